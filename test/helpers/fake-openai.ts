/** A tiny OpenAI-compatible chat-completions server on 127.0.0.1 that records what reaches it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
}

/** A running fake server. */
export interface FakeOpenAi {
  /** Base URL ending in /v1. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Start the server; every POST gets a one-word assistant reply, streamed when asked. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: recorded empty
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
      reply(res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function reply(res: import('node:http').ServerResponse, body: Record<string, unknown>): void {
  const base = { id: 'chatcmpl-1', created: 1, model: body.model };
  const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (o: object) =>
    res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...o })}\n\n`);
  chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: null }] });
  chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage });
  res.end('data: [DONE]\n\n');
}
