/** GET /metrics: Prometheus text from the app's own registry. */
import { Hono } from 'hono';
import type { ApiMetrics } from '../metrics.ts';

/** The metrics route. */
export function metricsRoutes(metrics: ApiMetrics): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const { contentType, text } = await metrics.scrape();
    return c.body(text, 200, { 'content-type': contentType });
  });
  return app;
}
