/** `hero-team status [ROLE] [--json]`: the running daemon's status (exit 1: a role not Ready; 3: no daemon runs). */
import { DaemonUnavailableError, type RoleStatusDoc } from '../api/client.ts';
import { rpcSocketPath } from '../api/socket-probe.ts';
import { RoleNotFoundError } from '../errors.ts';
import { defineCommand } from './command.ts';
import { daemonClient } from './daemon-client.ts';
import { type CliIo, EXIT, out } from './io.ts';
import { tableLines } from './table.ts';

/** Exit code when no daemon answers. */
export const EXIT_NO_DAEMON = 3;

/** Print the status table (or one role, or JSON) from the running daemon. */
export const status = defineCommand({
  name: 'status',
  summary: "the running daemon's status: phase, generations, last reconcile, stale skills",
  usage: '[ROLE] [--json]',
  description:
    'Asks the daemon over its socket. Exit 0 when every role shown is Ready, 1 when one is not, 3 when no daemon answers.',
  options: { json: { type: 'boolean', description: "print the status document (or the role's status) as JSON" } },
  positionals: { min: 0, max: 1 },
  examples: ['status', 'status backend --json'],
  async run({ values, positionals, io, config }) {
    const name = positionals[0];
    const socket = rpcSocketPath(config.paths.socketDir);
    const noDaemon = () => {
      io.stderr.write(
        `hero-team: no daemon answers on ${socket}; start it with "hero-team serve" (or check HERO_SOCKET_DIR)\n`,
      );
      return EXIT_NO_DAEMON;
    };
    const client = await daemonClient(config);
    if (!client) return noDaemon();
    try {
      const doc = name === undefined ? await client.status() : undefined;
      const roles = doc ? doc.roles : [await client.roleStatus(name!)];
      if (roles[0] === undefined && name !== undefined) throw new RoleNotFoundError(name);
      const list = roles as RoleStatusDoc[];
      if (values.json) out(io, JSON.stringify(doc ?? list[0], null, 2));
      else printTable(io, list);
      return list.every((r) => r.phase === 'Ready') ? EXIT.ok : EXIT.failed;
    } catch (err) {
      if (err instanceof DaemonUnavailableError) return noDaemon();
      throw err;
    }
  },
});

function printTable(io: CliIo, roles: RoleStatusDoc[]): void {
  if (!roles.length) {
    out(io, 'no roles declared');
    return;
  }
  const rows = [['ROLE', 'PHASE', 'GEN', 'LAST RECONCILE', 'STALE SKILLS']];
  for (const r of roles) {
    const gen = r.generation === null ? '-' : `${r.observedGeneration ?? '-'}/${r.generation}`;
    const last = r.lastReconcile
      ? `${r.lastReconcile.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} ${r.lastReconcile.outcome ?? ''}`.trim()
      : '-';
    rows.push([
      r.name,
      r.phase,
      gen,
      last,
      r.skills
        .filter((s) => s.stale)
        .map((s) => s.name)
        .join(',') || '-',
    ]);
  }
  for (const line of tableLines(rows)) out(io, line);
  for (const r of roles.filter((x) => x.phase !== 'Ready'))
    out(io, `${r.name}: ${r.lastError ?? r.conditions.find((c) => c.type === 'Ready')?.message ?? r.phase}`);
}
