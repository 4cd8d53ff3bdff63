/** Doctor: every check, global then per role, as a list of findings. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../clock.ts';
import type { Paths } from '../../config.ts';
import { resolveTarget } from '../../desired/kimi-target.ts';
import { createLogger } from '../../log.ts';
import { listManagedRoleDirs } from '../../observed/role-dir.ts';
import { findDaemons, inotifyUsage, probeSocket } from '../../observed/system-probes.ts';
import { Sources } from '../sources.ts';
import { type Finding, Findings } from './finding.ts';
import {
  checkDaemon,
  checkInotify,
  checkRegistry,
  checkRolesDir,
  checkSecretsFile,
  checkStore,
  type SystemProbes,
} from './global-checks.ts';
import { checkKimi } from './kimi-checks.ts';
import { checkRole } from './role-checks.ts';

/** The real system. */
export function systemProbes(): SystemProbes {
  return {
    daemons: (home) => findDaemons(home),
    socket: (p) => probeSocket(p),
    inotify: () => inotifyUsage(),
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
  const managed = await listManagedRoleDirs(paths.rolesDir);
  const target = resolveTarget(store?.settings, input.env).target;
  const names = input.roles ?? [...new Set([...(store?.roles.map((r) => r.name) ?? []), ...managed])].sort();
  const roleDirs = names.filter((n) => managed.includes(n)).map((n) => join(paths.rolesDir, n));
  await checkKimi({ target, env: input.env, roleDirs, command: input.probes.kimi }, f);
  checkInotify(
    input.probes,
    watchEstimate(paths, managed.length, store?.roles.flatMap((r) => r.skills).length ?? 0),
    f,
  );
  if (!store) return f.list; // roles cannot be judged against an unreadable desired state
  await sources.loadServices();
  const deps = sources.reconcileDeps({ paths, env: input.env, clock: input.clock, log: createLogger('silent') });
  for (const name of names)
    await checkRole(
      name,
      store.roles.find((r) => r.name === name),
      deps,
      target,
      f,
    );
  return f.list;
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
