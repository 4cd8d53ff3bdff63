/** Request guards of the dashboard: same-origin mutations, and the base path a proxy announces. */
import type { Context, MiddlewareHandler } from 'hono';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host[:port] of an origin or URL, lower-cased; undefined when it does not parse (or is "null"). */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a mutating request does not come from the dashboard's own pages, or undefined when it does. Its
 * `Origin` (a browser always sends one on a POST; `Referer` as the fallback) must name the host the
 * request was sent to: `Host`, or `X-Forwarded-Host` when a proxy (hero_router) rewrote it. A page on
 * another site cannot forge either header.
 */
export function crossOriginReason(c: Context): string | undefined {
  if (c.req.header('sec-fetch-site') === 'cross-site') return 'cross-site request';
  const origin = c.req.header('origin');
  const source = hostOf(origin && origin !== 'null' ? origin : c.req.header('referer'));
  if (!source) return 'missing or opaque Origin header';
  const targets = [c.req.header('host'), c.req.header('x-forwarded-host')]
    .filter(Boolean)
    .map((h) => h!.split(',')[0]!.trim().toLowerCase());
  return targets.includes(source) ? undefined : `origin ${source} is not this dashboard`;
}

/** Refuse (403) every mutating request that does not come from the dashboard's own origin. */
export function sameOriginMutations(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const reason = crossOriginReason(c);
    if (reason) return c.text(`Forbidden: ${reason}`, 403);
    return next();
  };
}

const PREFIX_RE = /^\/[A-Za-z0-9._~/-]*$/;

/**
 * The absolute base URL path of the dashboard when a proxy announces its prefix (`X-Forwarded-Prefix:
 * /kimi`), with the mount path inside this app (`/admin` on TCP) appended and a trailing slash; undefined
 * without the header (pages then use relative links only). A malformed prefix is ignored.
 */
export function announcedBase(c: Context, mount: string): string | undefined {
  const prefix = c.req.header('x-forwarded-prefix')?.split(',')[0]?.trim();
  if (!prefix || !PREFIX_RE.test(prefix) || prefix.includes('//') || prefix.includes('/../') || prefix.endsWith('/..'))
    return undefined;
  return `${prefix.replace(/\/$/, '')}${mount}/`.replace(/\/{2,}/g, '/');
}
