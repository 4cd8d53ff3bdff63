/** The running daemon as the CLI sees it: a typed client when its socket answers, and its errors as CLI errors. */
import { connect, type HeroTeamClient, RpcClientError } from '../api/client.ts';
import { rpcSocketPath, socketAnswers } from '../api/socket-probe.ts';
import type { Config } from '../config.ts';
import { HeroTeamError, InputError, RoleNotFoundError } from '../errors.ts';

/** A client of the daemon serving this configuration's socket, or undefined when none answers. */
export async function daemonClient(config: Config): Promise<HeroTeamClient | undefined> {
  const path = rpcSocketPath(config.paths.socketDir);
  return (await socketAnswers(path)) ? connect({ socket: path }) : undefined;
}

/** The daemon refused a change: its message, with the exit code the CLI gives that error when it writes directly. */
export function cliErrorFor(err: unknown, role?: string): unknown {
  if (!(err instanceof RpcClientError)) return err;
  if (err.code === -32002 && role) return new RoleNotFoundError(role);
  const detail = Array.isArray(err.data)
    ? err.data
        .map((i: { path?: unknown[]; message?: string }) => `${(i.path ?? []).join('.')}: ${i.message}`)
        .join('; ')
    : '';
  if (err.code === -32602)
    return new InputError('params', `${err.message}${detail && !err.message.includes(detail) ? ` (${detail})` : ''}`);
  return new HeroTeamError('DAEMON_ERROR', `daemon: ${err.message}`);
}
