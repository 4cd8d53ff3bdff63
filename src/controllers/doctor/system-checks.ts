/** Doctor checks of the running system: one reachable daemon per state dir, enough inotify watches left. */
import { join } from 'node:path';
import type { Paths } from '../../config.ts';
import type { KimiCommand } from '../../observed/kimi-install.ts';
import type { Findings } from './finding.ts';

/** What doctor asks the system (injected: tests aim it at their own processes and PATH). */
export interface SystemProbes {
  daemons(home: string): number[];
  socket(path: string): Promise<'ok' | 'unreachable' | 'absent'>;
  inotify(): { max: number | undefined; used: number };
  /** The kimi to check instead of the first on PATH (a node and a script in tests). */
  kimi?: KimiCommand;
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
