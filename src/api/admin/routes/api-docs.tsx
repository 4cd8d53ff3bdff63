/** Routes of the API docs tab: the live OpenRPC document, and "try it" for read-only methods. */
import type { Hono } from 'hono';
import { CodeBlock, ErrorBox } from '../components.tsx';
import { type AdminDeps, isRpcError } from '../deps.ts';
import { type FormBody, formString } from '../forms.ts';
import { ApiDocsPage, READ_ONLY_METHODS } from '../pages/api-docs.tsx';
import { type MountInfo, sendPage, sendPart } from '../render.tsx';

/** Register the API docs routes. */
export function registerApiDocs(app: Hono, deps: AdminDeps, at: MountInfo): void {
  app.get('/api', async (c) =>
    sendPage(c, at, 'api', 'API docs', <ApiDocsPage doc={await deps.call('rpc.discover')} />),
  );

  app.post('/api-try', async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const method = formString(body, 'method');
    if (!READ_ONLY_METHODS.has(method))
      return sendPart(
        c,
        at,
        'api',
        'Try it',
        <ErrorBox message={`"${method}" is not a read-only method; only read-only methods can be tried here.`} />,
        422,
      );
    let params: unknown;
    try {
      params = JSON.parse(formString(body, 'params').trim() || '{}');
    } catch (err) {
      return sendPart(
        c,
        at,
        'api',
        'Try it',
        <ErrorBox message={`Params are not valid JSON: ${(err as Error).message}`} />,
        422,
      );
    }
    let answer: unknown;
    try {
      answer = { result: await deps.call(method, params as Record<string, unknown>) };
    } catch (err) {
      if (!isRpcError(err)) throw err;
      answer = { error: { code: err.code, message: err.message, data: err.data } };
    }
    return sendPart(
      c,
      at,
      'api',
      `Try ${method}`,
      <CodeBlock label={`Answer of ${method}`}>{JSON.stringify(answer, null, 2)}</CodeBlock>,
    );
  });
}
