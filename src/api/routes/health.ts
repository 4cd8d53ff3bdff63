/** GET /healthz, /readyz, /status and /status/roles/:name. */
import { Hono } from 'hono';
import { ROLE_NAME_RE } from '../../desired/schema.ts';
import { jsonAnswer } from '../compress.ts';
import type { Control } from '../control.ts';
import { getRoleStatus, statusDocumentJson } from '../status-document.ts';

/** Health, readiness and status routes. */
export function healthRoutes(control: Control): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', (c) => {
    const r = control.readiness.get();
    return r.ready ? c.json({ ready: true }) : c.json({ ready: false, reason: r.reason }, 503);
  });
  app.get('/status', (c) => jsonAnswer(c, statusDocumentJson(control)));
  app.get('/status/roles/:name', (c) => {
    const name = c.req.param('name');
    const s = ROLE_NAME_RE.test(name) ? getRoleStatus(control, name) : undefined;
    return s ? c.json(s) : c.json({ error: `role "${name.slice(0, 80)}" is not declared and has no status` }, 404);
  });
  return app;
}
