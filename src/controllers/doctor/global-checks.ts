/** Doctor checks of the installation: registry, roles dir, store, secrets file, daemon, inotify (kimi: kimi-checks). */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Paths, statePaths } from '../../config.ts';
import { emptyStoreData, type StoreData } from '../../desired/schema.ts';
import { readStore } from '../../desired/store.ts';
import { errorMessage } from '../../errors.ts';
import { parseFrontmatter } from '../../observed/frontmatter.ts';
import type { KimiCommand } from '../../observed/kimi-install.ts';
import type { RegistryIndex } from '../../observed/registry-types.ts';
import type { Findings } from './finding.ts';

/** What doctor asks the system (injected: tests aim it at their own processes and PATH). */
export interface SystemProbes {
  daemons(home: string): number[];
  socket(path: string): Promise<'ok' | 'unreachable' | 'absent'>;
  inotify(): { max: number | undefined; used: number };
  /** The kimi to check instead of the first on PATH (a node and a script in tests). */
  kimi?: KimiCommand;
}

/** The registry: reachable, its invalid skills, skills whose folder name and frontmatter name differ. */
export function checkRegistry(index: RegistryIndex, f: Findings): void {
  if (!index.exists) {
    f.add(
      'error',
      'registry.missing',
      `skills registry ${index.root} does not exist or is not a directory`,
      'set HERO_SKILLS_DIR to your registry, or create one with "hero-team init --example-skills"',
      { file: index.root },
    );
    return;
  }
  if (!index.skills.size)
    f.add(
      'warning',
      'registry.empty',
      `skills registry ${index.root} holds no valid skill`,
      'add skill folders (each with a SKILL.md) or point HERO_SKILLS_DIR at your registry',
      { file: index.root },
    );
  for (const bad of [...index.invalid.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    f.add(
      'warning',
      'registry.invalid-skill',
      `skill "${bad.name}" (${bad.source}) is invalid: ${bad.reason}`,
      'fix its SKILL.md; until then roles keep their last good copy',
      { file: bad.source },
    );
  }
  for (const skill of index.skills.values()) {
    const md = skill.kind === 'dir' ? join(skill.source, 'SKILL.md') : skill.source;
    const name = frontmatterName(md);
    if (name !== undefined && name !== skill.name) {
      f.add(
        'warning',
        'registry.name-mismatch',
        `skill folder "${skill.name}" declares name "${name}" in ${md}`,
        `rename the folder or set "name: ${skill.name}" (roles whitelist it by folder name; Kimi shows the frontmatter name)`,
        { file: md },
      );
    }
  }
}

function frontmatterName(file: string): string | undefined {
  try {
    const fm = parseFrontmatter(readFileSync(file, 'utf8'));
    const name = fm.ok && fm.data ? fm.data.name : undefined;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The roles dir exists (or can be made) and is writable. */
export function checkRolesDir(rolesDir: string, f: Findings): void {
  let at = rolesDir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    accessSync(at, constants.W_OK);
    if (at !== rolesDir)
      f.add(
        'info',
        'roles-dir.missing',
        `roles dir ${rolesDir} does not exist yet`,
        'it is created by the first sync or by the daemon',
        { file: rolesDir },
      );
  } catch {
    f.add(
      'error',
      'roles-dir.not-writable',
      `roles dir ${rolesDir} is not writable (${at})`,
      `fix its permissions or set KIMI_ROLES_DIR to a writable directory`,
      { file: at },
    );
  }
}

/** The store: readable and valid; undefined when it is not. */
export async function checkStore(paths: Paths, f: Findings): Promise<StoreData | undefined> {
  const file = statePaths(paths.home).store;
  if (!existsSync(file)) {
    f.add(
      'info',
      'store.missing',
      `no store ${file} yet: no roles are declared`,
      'add a role with "hero-team role add NAME --model MODEL"',
      { file },
    );
    return emptyStoreData();
  }
  try {
    return await readStore(file);
  } catch (err) {
    f.add(
      'error',
      'store.invalid',
      errorMessage(err),
      'fix the file at the position shown (the daemon keeps the last valid state until then)',
      { file },
    );
    return undefined;
  }
}

/** secrets.env holds keys: only its owner may read it. */
export function checkSecretsFile(home: string, f: Findings): void {
  const file = statePaths(home).secrets;
  const st = statSync(file, { throwIfNoEntry: false });
  if (st && st.mode & 0o077)
    f.add(
      'warning',
      'secrets.mode',
      `${file} holds API keys and is readable by others (mode 0${(st.mode & 0o777).toString(8)})`,
      `chmod 600 ${file}`,
      { file },
    );
}

/** One daemon per state dir, reachable on its socket. */
export async function checkDaemon(paths: Paths, probes: SystemProbes, f: Findings): Promise<void> {
  const pids = probes.daemons(paths.home);
  const socket = join(paths.socketDir, 'hero_team', 'rpc.sock');
  if (!pids.length) {
    f.add(
      'warning',
      'daemon.not-running',
      `no "hero-team serve" is running for ${paths.home}: hand edits are not reverted and registry edits do not propagate until a sync`,
      'start it under hero_proc or systemd (deploy/), or run "hero-team serve"',
      { file: paths.home },
    );
    return;
  }
  if (pids.length > 1) {
    f.add(
      'error',
      'daemon.several',
      `${pids.length} daemons run for ${paths.home} (pids ${pids.join(', ')}): they race on the same roles`,
      `stop all but one (kill ${pids.slice(1).join(' ')})`,
      { file: paths.home },
    );
  }
  const state = await probes.socket(socket);
  if (state === 'unreachable')
    f.add(
      'warning',
      'daemon.unreachable',
      `the daemon (pid ${pids.join(', ')}) does not answer on ${socket}`,
      'check its log; restart it if it is stuck',
      { file: socket },
    );
  else if (state === 'absent')
    f.add(
      'info',
      'daemon.no-socket',
      `the daemon (pid ${pids.join(', ')}) runs but has no control socket at ${socket}`,
      'status and JSON-RPC need a version with the control API',
      { file: socket },
    );
}

/** Enough inotify watches left for the directories the daemon watches. */
export function checkInotify(probes: SystemProbes, needed: number, f: Findings): void {
  const { max, used } = probes.inotify();
  if (max === undefined) return;
  const free = max - used;
  const file = '/proc/sys/fs/inotify/max_user_watches';
  const fix = `raise it: sudo sysctl fs.inotify.max_user_watches=${Math.max(max * 2, 524288)} (and in /etc/sysctl.d to keep it)`;
  if (free < needed)
    f.add(
      'error',
      'inotify.exhausted',
      `inotify watches: ${used} of ${max} in use, the daemon needs about ${needed}`,
      fix,
      { file },
    );
  else if (free - needed < max / 10)
    f.add(
      'warning',
      'inotify.low',
      `inotify watches: ${used} of ${max} in use, about ${needed} more needed; little headroom left`,
      fix,
      { file },
    );
}
