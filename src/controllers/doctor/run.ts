/** Doctor: every check, global then per role, as a list of findings. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../clock.ts';
import type { Paths } from '../../config.ts';
import { resolveTarget } from '../../desired/kimi-target.ts';
import type { StoreData } from '../../desired/schema.ts';
import { createLogger } from '../../log.ts';
import { findKimiOnPath, kimiDoctorChecks } from '../../observed/kimi-install.ts';
import { listManagedRoleDirs } from '../../observed/role-dir.ts';
import { findDaemons, findOnPath, inotifyUsage, probeSocket } from '../../observed/system-probes.ts';
import { Sources } from '../sources.ts';
import { type Finding, Findings } from './finding.ts';
import {
  checkDaemon,
  checkInotify,
  checkKimiBinary,
  checkRegistry,
  checkRolesDir,
  checkSecretsFile,
  checkStore,
  type SystemProbes,
} from './global-checks.ts';
import { checkRole } from './role-checks.ts';

/** The real system. */
export function systemProbes(env: NodeJS.ProcessEnv): SystemProbes {
  return {
    daemons: (home) => findDaemons(home),
    socket: (p) => probeSocket(p),
    inotify: () => inotifyUsage(),
    which: (n) => findOnPath(n, env.PATH),
  };
}

/** Inputs of a doctor run. */
export interface DoctorInput {
  paths: Paths;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  probes: SystemProbes;
  /** Roles to check (default: every declared role and managed directory). */
  roles?: string[];
}

/** Run every check; findings in order (global first). */
export async function runDoctor(input: DoctorInput): Promise<Finding[]> {
  const { paths } = input;
  const f = new Findings();
  const sources = new Sources(paths, { scanShareMs: 0 });
  const store = await checkStore(paths, f);
  // The whole registry is scanned (not only the whitelisted skills) so that every invalid skill is reported.
  sources.store = store ?? null;
  sources.scope = new Set(listNames(paths.skillsDir).map((n) => n.replace(/\.md$/i, '')));
  await sources.scanRegistry();
  checkRegistry(sources.registry.index, f);
  checkRolesDir(paths.rolesDir, f);
  checkSecretsFile(paths.home, f);
  await checkDaemon(paths, input.probes, f);
  checkKimiBinary(input.probes, f);
  const managed = await listManagedRoleDirs(paths.rolesDir);
  if (store) await checkKimiTarget(store, paths, managed, input.env, f);
  checkInotify(
    input.probes,
    watchEstimate(paths, managed.length, store?.roles.flatMap((r) => r.skills).length ?? 0),
    f,
  );
  if (!store) return f.list; // roles cannot be judged against an unreadable desired state
  await sources.loadServices();
  const deps = sources.reconcileDeps({ paths, env: input.env, clock: input.clock, log: createLogger('silent') });
  const names = input.roles ?? [...new Set([...store.roles.map((r) => r.name), ...managed])].sort();
  for (const name of names)
    await checkRole(
      name,
      store.roles.find((r) => r.name === name),
      deps,
      f,
    );
  return f.list;
}

/**
 * The installed kimi against the target (a warning when they differ), and with Kimi Code installed and targeted,
 * `kimi doctor config` on each managed role (an error when it reports anything). Nothing when kimi is not on PATH
 * (checkKimiBinary says so) or the target cannot be resolved (a bad HERO_TEAM_KIMI_TARGET stops earlier).
 */
async function checkKimiTarget(store: StoreData, paths: Paths, managed: readonly string[], env: NodeJS.ProcessEnv, f: Findings): Promise<void> {
  const { target } = resolveTarget(store.settings, env);
  if (!findKimiOnPath(env)) return;
  const [install, ...roles] = await kimiDoctorChecks({ target, env, roleDirs: managed.map((name) => join(paths.rolesDir, name)) });
  if (!install!.ok) f.add('warning', 'kimi.target', install!.message, install!.fix ?? '');
  roles.forEach((c, i) => {
    if (!c.ok) f.add('error', 'role.kimi-doctor', `${c.name}: ${c.message}`, c.fix ?? '', { role: managed[i], file: join(paths.rolesDir, managed[i]!, 'config.toml') });
  });
}

/** Roughly how many directories the daemon watches: state dir, registry root and skills in use, each role's tree. */
function watchEstimate(paths: Paths, roles: number, skills: number): number {
  return 4 + skills * 3 + roles * 4 + listNames(paths.rolesDir).length;
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(join(dir)).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}
