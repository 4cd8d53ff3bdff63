/**
 * The admin dashboard (DESIGN §7): server-rendered pages on Hono, enhanced by htmx, live by server-sent events.
 * Every read and write goes through the API's JSON-RPC methods (one write path). The app thinks it is at `/`:
 * on admin.sock it is, under hero_router's prefix (`/kimi`) every link is relative, and on the TCP listener
 * mountAdmin() strips `/admin`.
 */
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Logger } from '../../log.ts';
import { type AdminDeps, isRpcError } from './deps.ts';
import { registerEvents } from './events.ts';
import { sameOriginMutations } from './guard.ts';
import type { MountInfo } from './render.tsx';
import { registerApiDocs } from './routes/api-docs.tsx';
import { registerConfig } from './routes/config.tsx';
import { registerRoles } from './routes/roles.tsx';
import { registerSkills } from './routes/skills.tsx';
import { readAsset } from './static.ts';

/** The dashboard's socket under a socket dir (beside rpc.sock). */
export function adminSocketPath(socketDir: string): string {
  return join(socketDir, 'hero_team', 'admin.sock');
}

/** The dashboard app and how to end its live streams (before closing the server). */
export interface AdminApp {
  app: Hono;
  /** End every open event stream (daemon shutdown). */
  close(): void;
}

/** Headers of every dashboard answer: no framing by other sites, no sniffing, nothing cached. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** Build the dashboard; `mount` is where it sits inside its server ('' on admin.sock, '/admin' on TCP). */
export function createAdminApp(deps: AdminDeps, log: Logger, mount = ''): AdminApp {
  const at: MountInfo = { mount };
  const closing = new AbortController();
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use(sameOriginMutations());
  app.get('/static/:name', (c) => {
    const asset = readAsset(c.req.param('name'));
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });
  registerRoles(app, deps, at);
  registerSkills(app, deps, at);
  registerConfig(app, deps, at);
  registerApiDocs(app, deps, at);
  registerEvents(app, deps, closing.signal);
  app.notFound((c) => c.text(`No dashboard page at ${c.req.path.slice(0, 200)}`, 404));
  app.onError((err, c) => {
    // The API refused (no valid store yet, a timeout...): say so on the page instead of a bare failure.
    if (isRpcError(err))
      return c.text(`The daemon cannot answer this page now: ${err.message} (code ${err.code})`, 503);
    log.error({ err: err instanceof Error ? err.message : String(err), path: c.req.path }, 'dashboard request failed');
    return c.text('The dashboard failed to answer; see the daemon log.', 500);
  });
  return { app, close: () => closing.abort() };
}

/** Serve the dashboard under `path` of `parent` (the TCP listener's app): `/admin` redirects to `/admin/`. */
export function mountAdmin(parent: Hono, admin: Hono, path = '/admin'): void {
  parent.get(path, (c) => c.redirect(`${path.split('/').pop()}/`, 308));
  parent.mount(path, admin.fetch);
}

/** A fetch handler serving the dashboard under `/admin/` and everything else from `api` (the TCP listener). */
export function withAdmin(
  api: (req: Request) => Response | Promise<Response>,
  admin: Hono,
): (req: Request) => Response | Promise<Response> {
  const app = new Hono();
  mountAdmin(app, admin);
  app.all('*', (c) => api(c.req.raw));
  return app.fetch;
}
