/**
 * Typed JSON-RPC client of hero_team (`import { connect } from 'hero_team/client'`). Its types come from the
 * server's method table (zod schemas); at run time it needs only node:http, node:zlib and fetch. It talks over the unix
 * socket (the default: `$HERO_SOCKET_DIR/hero_team/rpc.sock`) or a URL (with a bearer token off loopback).
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { ParamsOf, ResultOf } from './rpc/method.ts';
import type { MethodName, Methods } from './rpc/methods.ts';
import type { RoleStatusDoc, StatusDocument } from './schemas.ts';

export type { MethodName, Methods } from './rpc/methods.ts';
export type { RoleStatusDoc, StatusDocument } from './schemas.ts';

/** Params of a method (by name). */
export type Params<M extends MethodName> = ParamsOf<Methods[M]>;
/** Result of a method. */
export type Result<M extends MethodName> = ResultOf<Methods[M]>;

/** One HTTP exchange: method, path, optional JSON body; resolves with status and body text. */
export type Transport = (
  method: 'GET' | 'POST',
  path: string,
  body?: string,
) => Promise<{ status: number; text: string }>;

/** A JSON-RPC error answered by the daemon (code, message, data as sent). */
export class RpcClientError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcClientError';
  }
}

/** No daemon answers at the address (socket missing or refused, connection refused). */
export class DaemonUnavailableError extends Error {
  constructor(
    readonly address: string,
    options?: { cause?: unknown },
  ) {
    super(`no hero_team daemon answers at ${address}`, options);
    this.name = 'DaemonUnavailableError';
  }
}

/** A transport over a unix socket. */
export function socketTransport(socketPath: string, timeoutMs = 120_000): Transport {
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath,
          path,
          method,
          // Compressed, the status document of a hundred roles leaves the daemon in one write instead of several.
          headers: {
            host: 'localhost',
            'accept-encoding': 'br, gzip',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              const text = decodeBody(Buffer.concat(chunks), res.headers['content-encoding']).toString('utf8');
              resolve({ status: res.statusCode ?? 0, text });
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          ['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(err.code ?? '')
            ? new DaemonUnavailableError(socketPath, { cause: err })
            : err,
        ),
      );
      req.end(body);
    });
}

/** The body as sent, decoded per its Content-Encoding (the daemon compresses only with br or gzip). */
function decodeBody(bytes: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'br') return brotliDecompressSync(bytes);
  if (encoding === 'gzip') return gunzipSync(bytes);
  if (!encoding || encoding === 'identity') return bytes;
  throw new Error(`unexpected Content-Encoding: ${encoding}`);
}

/** A transport over HTTP(S) to a base URL such as `http://127.0.0.1:7420`, with an optional bearer token. */
export function urlTransport(baseUrl: string, token?: string): Transport {
  return async (method, path, body) => {
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        method,
        body,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
    } catch (err) {
      throw new DaemonUnavailableError(baseUrl, { cause: err });
    }
    return { status: res.status, text: await res.text() };
  };
}

/** A transport straight into an app (tests, or a process that embeds the app). */
export function appTransport(app: Pick<Hono, 'request'>): Transport {
  return async (method, path, body) => {
    const res = await app.request(path, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    return { status: res.status, text: await res.text() };
  };
}

/** The typed client. */
export interface HeroTeamClient {
  /** Call a method; throws RpcClientError with the daemon's code on an error answer. */
  call<M extends MethodName>(
    method: M,
    ...params: {} extends Params<M> ? [params?: Params<M>] : [params: Params<M>]
  ): Promise<Result<M>>;
  /** GET /status (the whole status document). */
  status(): Promise<StatusDocument>;
  /** GET /status/roles/:name; undefined when the daemon does not know the role. */
  roleStatus(name: string): Promise<RoleStatusDoc | undefined>;
  /** GET /readyz. */
  ready(): Promise<{ ready: boolean; reason?: string }>;
}

/** A client over a transport. */
export function createClient(transport: Transport): HeroTeamClient {
  let id = 0;
  const getJson = async (path: string, okStatuses: number[]) => {
    const { status, text } = await transport('GET', path);
    if (!okStatuses.includes(status))
      throw new RpcClientError(-32603, `GET ${path}: HTTP ${status}: ${text.slice(0, 200)}`);
    return { status, body: JSON.parse(text) as unknown };
  };
  return {
    call: async (method, ...rest) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: rest[0] ?? {} });
      const { status, text } = await transport('POST', '/rpc', body);
      let reply: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      try {
        reply = JSON.parse(text);
      } catch {
        throw new RpcClientError(-32603, `HTTP ${status}: not a JSON-RPC reply: ${text.slice(0, 200)}`);
      }
      if (reply.error) throw new RpcClientError(reply.error.code, reply.error.message, reply.error.data);
      return reply.result as never;
    },
    status: async () => (await getJson('/status', [200])).body as StatusDocument,
    roleStatus: async (name) => {
      const r = await getJson(`/status/roles/${encodeURIComponent(name)}`, [200, 404]);
      return r.status === 404 ? undefined : (r.body as RoleStatusDoc);
    },
    ready: async () => (await getJson('/readyz', [200, 503])).body as { ready: boolean; reason?: string },
  };
}

/** Where to reach the daemon: its socket path, or a URL (+ token). */
export type Target = { socket: string } | { url: string; token?: string };

/** A client for a target; by default the socket under HERO_SOCKET_DIR (or ~/hero/var/sockets). */
export function connect(target?: Target): HeroTeamClient {
  if (target && 'url' in target) return createClient(urlTransport(target.url, target.token));
  return createClient(socketTransport(target?.socket ?? defaultSocketPath()));
}

/** `$HERO_SOCKET_DIR/hero_team/rpc.sock`, defaulting the dir like the daemon does. */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.HERO_SOCKET_DIR || `${env.HOME ?? ''}/hero/var/sockets`;
  return `${dir.replace(/\/+$/, '')}/hero_team/rpc.sock`;
}
