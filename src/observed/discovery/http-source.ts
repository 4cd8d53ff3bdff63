/**
 * Discovery over HTTP, by URL or on a unix socket (hero_router's). `GET <path>` answers
 *
 *   200  {"services": {"<name>": <mcpServers entry>, ...}}   (the services.json shape; an ETag header is optional)
 *   304  when If-None-Match names the current ETag
 *
 * where an entry is stdio (`command`, `args`, `env`, `cwd`) or remote (`url`, `transport`, `headers`, `auth`),
 * as in Kimi's mcp.json. Anything else is an error; the body is never quoted in it (entries hold secrets).
 */
import { type IncomingMessage, request } from 'node:http';
import { request as requestHttps } from 'node:https';
import { z } from 'zod';
import { type McpServer, ServicesFileSchema } from '../services.ts';
import { type DiscoveryAnswer, DiscoveryError, type DiscoverySource } from './source.ts';

/** Where an HTTP source is: a full URL, or a unix socket and a request path. */
export type HttpTarget = { url: string } | { socketPath: string; path: string };

const MAX_BODY = 4 * 1024 * 1024;
const TIMEOUT_MS = 5_000;

/** An HTTP discovery source. */
export function httpDiscoverySource(target: HttpTarget): DiscoverySource {
  const describe = 'url' in target ? redactUrl(target.url) : `unix:${target.socketPath}:${target.path}`;
  return { describe, poll: (etag, signal) => fetchList(target, describe, etag, signal) };
}

function fetchList(
  target: HttpTarget,
  describe: string,
  etag: string | undefined,
  signal: AbortSignal,
): Promise<DiscoveryAnswer> {
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new DiscoveryError(describe, message));
    const headers: Record<string, string> = { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) };
    const options = { method: 'GET', headers, signal, timeout: TIMEOUT_MS };
    const onResponse = (res: IncomingMessage) => {
      if (res.statusCode === 304) {
        res.resume();
        return resolve({ kind: 'unchanged' });
      }
      if (res.statusCode !== 200) {
        res.resume();
        return fail(`HTTP ${res.statusCode}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) res.destroy(new Error(`answer larger than ${MAX_BODY} bytes`));
        else chunks.push(c);
      });
      res.on('error', (err) => fail(err.message));
      res.on('end', () => {
        try {
          resolve({
            kind: 'list',
            services: parseList(Buffer.concat(chunks).toString('utf8')),
            etag: headerValue(res.headers.etag),
          });
        } catch (err) {
          fail((err as Error).message);
        }
      });
    };
    const req =
      'url' in target
        ? (target.url.startsWith('https:') ? requestHttps : request)(target.url, options, onResponse)
        : request({ ...options, socketPath: target.socketPath, path: target.path }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => fail((err as NodeJS.ErrnoException).code ?? err.message));
    req.end();
  });
}

/** Validate the body; errors name JSON positions and schema paths only, never values. */
function parseList(text: string): Record<string, McpServer> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('answer is not JSON');
  }
  const parsed = ServicesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.code}`);
    throw new Error(`answer is not a service list (${where.join('; ')})`);
  }
  return parsed.data.services;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A URL without user info or query (either may hold a token). */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Parse a discovery setting: `off`, an http(s) URL, or `unix:<socket path>[:<request path>]`. */
export function parseDiscoveryTarget(value: string): HttpTarget | null {
  if (value === 'off') return null;
  if (value.startsWith('unix:')) {
    const [socketPath, path] = splitUnix(value.slice(5));
    return { socketPath, path };
  }
  const url = z.url({ protocol: /^https?$/ }).safeParse(value);
  if (!url.success) throw new Error(`must be "off", an http(s) URL or unix:<socket>[:<path>], got "${value}"`);
  return { url: value };
}

function splitUnix(rest: string): [string, string] {
  const cut = rest.indexOf(':/');
  return cut < 0 ? [rest, DEFAULT_PATH] : [rest.slice(0, cut), rest.slice(cut + 1)];
}

/** The request path on hero_router's socket. */
export const DEFAULT_PATH = '/mcp/services';
