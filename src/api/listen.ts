/**
 * Listeners: the user-only unix socket `<HERO_SOCKET_DIR>/hero_team/rpc.sock` (always), and TCP when configured
 * (127.0.0.1 unless HERO_TEAM_HOST says otherwise, then only with a token). One app serves both.
 */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { HeroTeamError } from '../errors.ts';
import { type FetchHandler, guardFetch } from './guard.ts';
import { socketAnswers } from './socket-probe.ts';

/** Longest unix socket path in bytes (sun_path is 108 bytes with the terminating NUL). */
export const SOCKET_PATH_MAX = 107;

/** A listener could not start (path too long, another daemon, bad TCP settings). */
export class ListenError extends HeroTeamError {
  constructor(
    readonly address: string,
    message: string,
  ) {
    super('LISTEN_FAILED', message);
  }
}

/** A running listener. */
export interface Listener {
  /** Socket path, or `host:port`. */
  address: string;
  port?: number;
  close(): Promise<void>;
}

export { rpcSocketPath, socketAnswers } from './socket-probe.ts';

/** Serve `fetch` on a unix socket: directory 0700, socket 0600, a stale socket replaced, a live one refused. */
export async function serveSocket(path: string, fetch: FetchHandler): Promise<Listener> {
  const bytes = Buffer.byteLength(path);
  if (bytes > SOCKET_PATH_MAX) {
    throw new ListenError(
      path,
      `socket path ${path} is ${bytes} bytes, over the ${SOCKET_PATH_MAX}-byte limit of unix sockets; set HERO_SOCKET_DIR to a shorter directory`,
    );
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await chmod(dirname(path), 0o700);
  await clearStaleSocket(path);
  const server = createAdaptorServer({ fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new ListenError(path, `another hero_team is running: ${path} is in use`)
          : new ListenError(path, `cannot listen on ${path}: ${err.message}`),
      ),
    );
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return { address: path, close: () => closeServer(server) };
}

/** Remove the socket file of a dead process; refuse when a live one answers or the path is not a socket. */
async function clearStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket()) throw new ListenError(path, `${path} exists and is not a socket; move it away`);
  if (await socketAnswers(path)) throw new ListenError(path, `another hero_team is running: ${path} answers`);
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** TCP settings (from HERO_TEAM_PORT, HERO_TEAM_HOST, HERO_TEAM_TOKEN). */
export interface TcpOptions {
  port: number;
  host: string;
  token?: string;
}

/** Serve `fetch` on TCP with the Host and token guards. */
export async function serveTcp(opts: TcpOptions, fetch: FetchHandler): Promise<Listener> {
  const guarded = guardFetch(fetch, { token: opts.token, extraHosts: [opts.host] });
  const server = createAdaptorServer({ fetch: guarded });
  const label = `${opts.host}:${opts.port}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ListenError(
          label,
          `cannot listen on ${label}: ${err.code === 'EADDRINUSE' ? 'address in use' : err.message}`,
        ),
      ),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { address: `${addr.address}:${addr.port}`, port: addr.port, close: () => closeServer(server) };
}

function closeServer(server: ReturnType<typeof createAdaptorServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
