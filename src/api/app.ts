/**
 * createApp(deps): the control-plane Hono app (health, readiness, status, metrics, JSON-RPC, OpenRPC). It only
 * wires: no listening (src/api/listen.ts), no globals; tests call `app.request()`.
 */
import { Hono } from 'hono';
import { compressJson } from './compress.ts';
import type { ApiDeps } from './deps.ts';
import { type ApiMetrics, createMetrics } from './metrics.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { rpcRoutes } from './routes/rpc.ts';
import { createDispatcher, type Dispatcher } from './rpc/dispatch.ts';
import type { MethodTable } from './rpc/method.ts';
import { METHODS } from './rpc/methods.ts';
import { buildOpenRpc } from './rpc/openrpc.ts';

/** The app plus what else it built (the dashboard calls the dispatcher directly). */
export interface ApiApp {
  app: Hono;
  dispatcher: Dispatcher;
  metrics: ApiMetrics;
  /** The OpenRPC document (built once). */
  openrpc(): Record<string, unknown>;
}

/** Build the control-plane app. */
export function createApiApp(deps: ApiDeps): ApiApp {
  const methods: MethodTable = deps.methods ?? (METHODS as unknown as MethodTable);
  const metrics = deps.metrics ?? createMetrics(deps.control);
  let doc: Record<string, unknown> | undefined;
  const openrpc = () => (doc ??= buildOpenRpc(methods, deps.control.version));
  const dispatcher = createDispatcher(methods, { control: deps.control, openrpc }, deps.log, metrics.observeRpc);
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    metrics.observeHttp(c.req.routePath, c.res.status);
  });
  app.use(compressJson());
  app.route('/', healthRoutes(deps.control));
  app.route('/', metricsRoutes(metrics));
  app.route('/', rpcRoutes(dispatcher, openrpc));
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path.slice(0, 200)}` }, 404));
  app.onError((err, c) => {
    deps.log.error({ err: err.message, path: c.req.path }, 'api request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return { app, dispatcher, metrics, openrpc };
}

/** Build the control-plane Hono app (see createApiApp for its parts). */
export function createApp(deps: ApiDeps): Hono {
  return createApiApp(deps).app;
}
