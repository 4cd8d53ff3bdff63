/** Doctor checks of config.toml and mcp.json: the target client's rules, and keys kept private. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KimiTargetId } from '../../desired/schema.ts';
import { KIMI_FILE_RULES } from '../../observed/kimi-file-rules.ts';
import { inspectRolePath } from '../../observed/role-path.ts';
import type { Findings } from './finding.ts';

/** Files holding keys: only their owner may read them. */
const SECRET_FILES = ['config.toml', 'mcp.json'];

/** config.toml and mcp.json under the target client's rules, and key-holding files private to their owner. */
export function checkFileRules(name: string, dir: string, rel: string, target: KimiTargetId, f: Findings): void {
  const now = inspectRolePath(dir, rel);
  if (now.kind !== 'file') return;
  const file = join(dir, rel);
  const at = { role: name, file };
  if (SECRET_FILES.includes(rel) && now.mode & 0o077)
    f.add(
      'error',
      'role.secret-mode',
      `${file} holds API keys and is readable by others (mode 0${now.mode.toString(8)})`,
      `chmod 600 ${file} (or "hero-team sync ${name}")`,
      at,
    );
  const text = readFileSync(file, 'utf8');
  const rules = KIMI_FILE_RULES[target];
  const client = target === 'kimi-code' ? 'Kimi Code' : 'kimi-cli';
  for (const p of rel === 'config.toml' ? rules.config(text) : rules.mcp(text)) {
    const unknown = p.text.startsWith('unknown key');
    const check = rel === 'mcp.json' ? 'role.mcp-invalid' : configCheck(p.text);
    f.add(
      p.severity,
      check,
      `${file}: ${p.text} (${client} rules)`,
      unknown
        ? `${client} ignores unknown keys silently: check the spelling, or "hero-team sync ${name}" to regenerate the file`
        : `${client} rejects, drops or misreads this; run "hero-team sync ${name}" to regenerate the file`,
      at,
    );
  }
}

function configCheck(problem: string): string {
  if (problem.startsWith('unknown key')) return 'role.config-unknown-key';
  return problem.startsWith('hooks') ? 'role.hooks-invalid' : 'role.config-invalid';
}
