/** Doctor checks of one role: its directory, manifest, files, config.toml and mcp.json rules, skills, keys, modes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from '../../config.ts';
import type { KimiTargetId, RoleSpec } from '../../desired/schema.ts';
import { errorMessage, InvalidSpecError } from '../../errors.ts';
import { KIMI_FILE_RULES } from '../../observed/kimi-file-rules.ts';
import { manifestPath, readManifest } from '../../observed/manifest.ts';
import type { Manifest } from '../../observed/role-files.ts';
import { inspectRolePath, roleDirIsReal } from '../../observed/role-path.ts';
import { type ReconcileDeps, type ReconcileOutcome, reconcileRole } from '../reconcile.ts';
import type { Findings } from './finding.ts';
import { checkNative } from './native-checks.ts';

/** Files holding keys: only their owner may read them. */
const SECRET_FILES = ['config.toml', 'mcp.json'];

/**
 * Every check of role `name` (declared in `spec`, or only a managed directory when spec is undefined); its files
 * are judged by the rules of `target`, the client they are rendered for.
 */
export async function checkRole(
  name: string,
  spec: RoleSpec | undefined,
  deps: ReconcileDeps,
  target: KimiTargetId,
  f: Findings,
): Promise<void> {
  const dir = join(deps.paths.rolesDir, name);
  const at = { role: name };
  const real = roleDirIsReal(dir);
  if (real === false)
    return f.add(
      'error',
      'role.dir-symlink',
      `role dir ${dir} is a symlink or not a directory: hero_team refuses to write through it`,
      `replace it with a real directory (mv it away and run "hero-team sync ${name}")`,
      { ...at, file: dir },
    );
  const manifest = await checkManifest(name, dir, spec, f);
  if (!spec && manifest)
    f.add(
      'warning',
      'role.undeclared',
      `role dir ${dir} has a manifest but the store no longer declares "${name}"`,
      `its generated files are deleted at the next sync; "hero-team rollback ${name}" restores what was there before`,
      { ...at, file: dir },
    );
  if (manifest) checkManifestFiles(name, dir, manifest, spec, f);
  for (const file of ['config.toml', 'mcp.json']) checkFileRules(name, dir, file, target, f);
  if (spec) checkNative(name, dir, spec, target, f);
  if (spec) await checkDesired(name, dir, deps, f);
}

async function checkManifest(
  name: string,
  dir: string,
  spec: RoleSpec | undefined,
  f: Findings,
): Promise<Manifest | undefined> {
  const file = manifestPath(dir);
  const read = await readManifest(dir);
  if (read.state === 'absent') {
    if (spec)
      f.add(
        'warning',
        'role.not-synced',
        `role "${name}" has no manifest in ${dir}: it was never converged`,
        `run "hero-team sync ${name}" or start the daemon`,
        { role: name, file },
      );
    return undefined;
  }
  if (read.state === 'corrupt') {
    f.add(
      'error',
      'role.manifest-invalid',
      `manifest ${file} is invalid (${read.error.split('\n')[0]}): hero_team treats every file there as not its own`,
      `remove it and run "hero-team sync ${name}" (files in the way are backed up, not lost)`,
      { role: name, file },
    );
    return undefined;
  }
  if (read.manifest.role !== name) {
    f.add(
      'error',
      'role.manifest-foreign',
      `manifest ${file} belongs to role "${read.manifest.role}" (a copied or renamed role dir)`,
      `move the directory back, or remove the manifest and sync`,
      { role: name, file },
    );
    return undefined;
  }
  return read.manifest;
}

/** Each file the manifest lists: present, the bytes and mode we wrote, nothing in the way. */
function checkManifestFiles(
  name: string,
  dir: string,
  manifest: Manifest,
  spec: RoleSpec | undefined,
  f: Findings,
): void {
  const held = spec?.driftPolicy === 'report';
  for (const e of manifest.entries) {
    const file = join(dir, e.path);
    const now = inspectRolePath(dir, e.path);
    const at = { role: name, file };
    if (now.kind === 'missing')
      f.add(
        'warning',
        'role.file-missing',
        `${file} (written by hero_team) is missing`,
        `run "hero-team sync ${name}" (the daemon restores it)`,
        at,
      );
    else if (now.kind === 'unsafe')
      f.add(
        'error',
        'role.file-unsafe',
        `${file}: ${now.reason}; hero_team never writes through it`,
        'replace the link with a real directory or file',
        at,
      );
    else if (now.kind === 'other')
      f.add(
        'error',
        'role.file-conflict',
        `${file} is a directory or device where hero_team wrote a file`,
        'move it away and sync',
        at,
      );
    else if (now.md5 !== e.md5 && now.md5 !== e.pendingMd5) {
      const what = held
        ? 'kept (drift policy "report"): desired changes no longer reach it'
        : 'reverted by the daemon or the next sync (a backup is kept)';
      f.add(
        'warning',
        'role.file-modified',
        `${file} was changed by hand; ${what}`,
        held
          ? `"hero-team diff ${name}" shows it; "hero-team role set ${name} --drift revert" to take changes again`
          : `change the role instead ("hero-team role set ${name} ..."), or switch it to --drift report`,
        at,
      );
    } else if (now.mode !== e.mode) {
      f.add(
        'warning',
        'role.file-mode',
        `${file} has mode 0${now.mode.toString(8)}, hero_team wrote 0${e.mode.toString(8)}`,
        `run "hero-team sync ${name}"`,
        at,
      );
    }
  }
}

/** config.toml and mcp.json under the target client's rules, and key-holding files private to their owner. */
function checkFileRules(name: string, dir: string, rel: string, target: KimiTargetId, f: Findings): void {
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

/** What a sync would do, the whitelist against the registry and catalog, and the keys the role's model needs. */
async function checkDesired(name: string, dir: string, deps: ReconcileDeps, f: Findings): Promise<void> {
  const store = statePaths(deps.paths.home).store;
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcileRole(name, deps, { dryRun: true });
  } catch (err) {
    if (!(err instanceof InvalidSpecError)) throw err;
    return f.add(
      'error',
      'role.spec-invalid',
      `role "${name}" cannot be rendered: ${errorMessage(err)}`,
      `fix it with "hero-team role set ${name} ..." (e.g. --model with a model of "hero-team model list")`,
      { role: name, file: store },
    );
  }
  const d = outcome.desired;
  const at = { role: name };
  for (const s of d?.missingSkills ?? [])
    f.add(
      'error',
      'role.skill-missing',
      `role "${name}" whitelists skill "${s}", which is not in the registry ${deps.paths.skillsDir}`,
      `add it to the registry or "hero-team role set ${name} --skills ..." without it`,
      { ...at, file: store },
    );
  for (const s of d?.invalidSkills ?? [])
    f.add(
      'warning',
      'role.skill-invalid',
      `role "${name}" whitelists skill "${s}", which is invalid in the registry: its last good copy is kept`,
      'fix the skill in the registry',
      { ...at, file: join(deps.paths.skillsDir, s) },
    );
  for (const s of d?.missingServices ?? [])
    f.add(
      'warning',
      'role.service-missing',
      `role "${name}" whitelists MCP service "${s}", which the services catalog does not list`,
      'add it to services.json or remove it from the role',
      { ...at, file: statePaths(deps.paths.home).services },
    );
  for (const v of d?.missingRequiredSecrets ?? [])
    f.add(
      'error',
      'role.secret-missing',
      `${v} is not set: role "${name}"'s model cannot authenticate (the key renders as "")`,
      `export ${v}=... for the daemon, or add it to ${statePaths(deps.paths.home).secrets} (mode 0600)`,
      { ...at, file: statePaths(deps.paths.home).secrets },
    );
  const plan = outcome.plan;
  for (const s of plan?.drift.filter((x) => x.kind === 'stray') ?? [])
    f.add(
      'warning',
      'role.stray-skill',
      `${join(dir, s.path)} is neither whitelisted nor written by hero_team: Kimi loads it as a skill for this role`,
      `move it out of ${join(dir, 'skills')} (or whitelist it and let hero_team own it)`,
      { ...at, file: join(dir, s.path) },
    );
  const notWhitelisted = new Set(
    (plan?.deletes ?? []).map((x) => /^skills\/([^/]+)\//.exec(x.path)?.[1]).filter((s): s is string => !!s),
  );
  for (const s of notWhitelisted)
    f.add(
      'warning',
      'role.skill-not-whitelisted',
      `${join(dir, 'skills', s)} is no longer whitelisted for role "${name}"`,
      `run "hero-team sync ${name}" to remove hero_team's copy`,
      { ...at, file: join(dir, 'skills', s) },
    );
  if (plan && (plan.writes.length || plan.deletes.length))
    f.add(
      'info',
      'role.not-converged',
      `role "${name}": a sync would write ${plan.writes.length} and delete ${plan.deletes.length} file(s)`,
      `"hero-team diff ${name}" shows the changes; "hero-team sync ${name}" applies them`,
      { ...at, file: dir },
    );
}
