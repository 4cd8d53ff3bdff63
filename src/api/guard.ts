/**
 * Request guards of the TCP listener: the Host header must name this machine's loopback (a DNS-rebinding page
 * resolves its own name to 127.0.0.1 but cannot change the Host it sends), and with a token every route but
 * /healthz needs `Authorization: Bearer <token>` (compared in constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** A fetch handler (what Hono's app.fetch is). */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

/** Guard settings. */
export interface GuardOptions {
  /** Bearer token required on every route but /healthz; none on a loopback listener without HERO_TEAM_TOKEN. */
  token?: string;
  /** Host names accepted besides localhost, 127.0.0.1 and [::1] (the configured HERO_TEAM_HOST). */
  extraHosts?: readonly string[];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host part of a Host header (no port), lowercased; IPv6 keeps its brackets. */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** Whether two secrets are equal, in time independent of where they differ (digests make the lengths equal). */
export function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Wrap `fetch` with the Host check and, when a token is set, the bearer check. */
export function guardFetch(fetch: FetchHandler, opts: GuardOptions): FetchHandler {
  const hosts = new Set([
    ...LOOPBACK_HOSTS,
    ...(opts.extraHosts ?? []).map((h) => hostOf(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h)),
  ]);
  return (req) => {
    const host = req.headers.get('host');
    if (!host || !hosts.has(hostOf(host)))
      return refuse(403, 'Host header not accepted: use localhost, 127.0.0.1 or [::1]');
    if (opts.token !== undefined && new URL(req.url).pathname !== '/healthz') {
      const auth = req.headers.get('authorization') ?? '';
      const given = /^Bearer (.+)$/i.exec(auth)?.[1] ?? '';
      if (!sameSecret(given, opts.token))
        return refuse(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
    }
    return fetch(req);
  };
}

function refuse(status: number, error: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
