/** Doctor checks of a role's Kimi-native files: its preset's agent file for the target, its hook scripts and wiring. */
import { accessSync, constants, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'smol-toml';
import type { KimiTargetId, RoleSpec } from '../../desired/schema.ts';
import { checkKimiCliAgent, checkKimiCodeAgent } from '../../observed/kimi-native-rules.ts';
import { inspectRolePath } from '../../observed/role-path.ts';
import { kimiTarget } from '../render/targets/target.ts';
import type { Findings } from './finding.ts';

/** The agent file `--agent-file` names and the hook scripts `[[hooks]]` runs, as the target's client reads them. */
export function checkNative(name: string, dir: string, spec: RoleSpec, target: KimiTargetId, f: Findings): void {
  if (spec.preset) checkAgent(name, dir, spec.preset, target, f);
  checkHooks(name, dir, spec.hooks ?? [], f);
}

function checkAgent(name: string, dir: string, preset: string, target: KimiTargetId, f: Findings): void {
  const rel = kimiTarget(target).agentFile(preset);
  const file = join(dir, rel);
  const text = readText(dir, rel);
  const at = { role: name, file };
  if (text === undefined) {
    f.add(
      'error',
      'role.agent-missing',
      `${file} (preset "${preset}" for ${target}) is missing: "hero-team run ${name}" passes it as --agent-file`,
      `run "hero-team sync ${name}"`,
      at,
    );
    return;
  }
  const problems =
    target === 'kimi-code'
      ? checkKimiCodeAgent(text, basename(rel, '.md'))
      : checkKimiCliAgent(text, readText(dir, join(dirname(rel), 'system.md')) ?? '');
  for (const p of problems)
    f.add(
      'error',
      'role.agent-invalid',
      `${file}: ${p} (${target} agent rules)`,
      `run "hero-team sync ${name}" to regenerate it; a user preset is fixed in its presets/${preset}/ folder`,
      at,
    );
}

/** Each hook the role picked has its script, executable, and a `[[hooks]]` entry that runs it. */
function checkHooks(name: string, dir: string, picked: readonly string[], f: Findings): void {
  const commands = hookCommands(dir);
  for (const hook of picked) {
    const rel = `hooks/${hook}`;
    const file = join(dir, rel);
    const at = { role: name, file };
    const now = inspectRolePath(dir, rel);
    if (now.kind !== 'file')
      f.add(
        'error',
        'role.hook-missing',
        `${file} (hook "${hook}") is missing: Kimi runs nothing and lets the action through`,
        `run "hero-team sync ${name}"`,
        at,
      );
    else if (!isExecutable(file))
      f.add(
        'error',
        'role.hook-not-executable',
        `${file} (hook "${hook}") is not executable: the shell fails and Kimi lets the action through`,
        `chmod 755 ${file} (or "hero-team sync ${name}")`,
        at,
      );
    if (commands && !commands.some((c) => c.includes(file)))
      f.add(
        'warning',
        'role.hook-unwired',
        `${join(dir, 'config.toml')} has no [[hooks]] entry running ${file}: hook "${hook}" never fires`,
        `run "hero-team sync ${name}" to regenerate config.toml`,
        { role: name, file: join(dir, 'config.toml') },
      );
  }
}

/** The `[[hooks]]` commands of the role's config.toml, or undefined when it cannot be read (reported elsewhere). */
function hookCommands(dir: string): string[] | undefined {
  const text = readText(dir, 'config.toml');
  if (text === undefined) return undefined;
  try {
    const hooks = (parse(text) as { hooks?: unknown }).hooks;
    return Array.isArray(hooks) ? hooks.map((h) => String((h as { command?: unknown })?.command ?? '')) : [];
  } catch {
    return undefined;
  }
}

function readText(dir: string, rel: string): string | undefined {
  if (inspectRolePath(dir, rel).kind !== 'file') return undefined;
  try {
    return readFileSync(join(dir, rel), 'utf8');
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
