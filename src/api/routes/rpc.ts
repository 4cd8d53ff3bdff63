/** POST /rpc (JSON-RPC 2.0, single and batch) and GET /openrpc.json. */
import { Hono } from 'hono';
import type { Dispatcher } from '../rpc/dispatch.ts';

/** Largest request body read, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The JSON-RPC routes. */
export function rpcRoutes(dispatcher: Dispatcher, openrpc: () => Record<string, unknown>): Hono {
  const app = new Hono();
  app.post('/rpc', async (c) => {
    const declared = Number(c.req.header('content-length') ?? 0);
    const text = declared > MAX_BODY_BYTES ? undefined : await c.req.text();
    if (text === undefined || Buffer.byteLength(text) > MAX_BODY_BYTES) {
      return c.json(
        { jsonrpc: '2.0', id: null, error: { code: -32600, message: `request body over ${MAX_BODY_BYTES} bytes` } },
        413,
      );
    }
    const reply = await dispatcher.handleText(text);
    return reply === undefined ? c.body(null, 204) : c.json(reply);
  });
  app.get('/openrpc.json', (c) => c.json(openrpc()));
  return app;
}
