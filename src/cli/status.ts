/** `hero-team status [ROLE] [--json]`: the running daemon's status (exit 1 when a role is not Ready, 3 when no daemon runs). */
import { DaemonUnavailableError, type RoleStatusDoc } from '../api/client.ts';
import { rpcSocketPath } from '../api/listen.ts';
import { RoleNotFoundError } from '../errors.ts';
import { parseFlags } from './args.ts';
import { daemonClient } from './daemon-client.ts';
import { EXIT, out, type Command } from './io.ts';

/** Exit code when no daemon answers. */
export const EXIT_NO_DAEMON = 3;

/** Print the status table (or one role, or JSON). */
export const status: Command = async (args, io, config) => {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } });
  const name = positionals[0];
  const socket = rpcSocketPath(config.paths.socketDir);
  const noDaemon = () => {
    io.stderr.write(`hero-team: no daemon answers on ${socket}; start it with "hero-team serve" (or check HERO_SOCKET_DIR)\n`);
    return EXIT_NO_DAEMON;
  };
  const client = await daemonClient(config);
  if (!client) return noDaemon();
  try {
    const roles = name === undefined ? (await client.status()).roles : [await client.roleStatus(name)];
    if (roles[0] === undefined) throw new RoleNotFoundError(name!);
    const list = roles as RoleStatusDoc[];
    if (values.json) out(io, JSON.stringify(name === undefined ? await client.status() : list[0], null, 2));
    else printTable(io, list);
    return list.every((r) => r.phase === 'Ready') ? EXIT.ok : EXIT.failed;
  } catch (err) {
    if (err instanceof DaemonUnavailableError) return noDaemon();
    throw err;
  }
};

function printTable(io: Parameters<Command>[1], roles: RoleStatusDoc[]): void {
  if (!roles.length) return out(io, 'no roles declared');
  const rows = [['ROLE', 'PHASE', 'GEN', 'LAST RECONCILE', 'STALE SKILLS']];
  for (const r of roles) {
    const gen = r.generation === null ? '-' : `${r.observedGeneration ?? '-'}/${r.generation}`;
    const last = r.lastReconcile ? `${r.lastReconcile.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} ${r.lastReconcile.outcome ?? ''}`.trim() : '-';
    const stale = r.skills.filter((s) => s.stale).map((s) => s.name);
    rows.push([r.name, r.phase, gen, last, stale.join(',') || '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) out(io, row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  for (const r of roles.filter((x) => x.phase !== 'Ready')) out(io, `${r.name}: ${r.lastError ?? r.conditions.find((c) => c.type === 'Ready')?.message ?? r.phase}`);
}
