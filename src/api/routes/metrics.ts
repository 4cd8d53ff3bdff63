/** GET /metrics: Prometheus text from the app's own registry. */
import { Hono } from 'hono';
import type { ApiMetrics } from '../metrics.ts';

/** The metrics route. */
export function metricsRoutes(metrics: ApiMetrics): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  return app;
}
