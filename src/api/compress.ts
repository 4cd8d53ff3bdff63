/**
 * Compressed JSON answers for clients that ask (Accept-Encoding): brotli at quality 1, else gzip at level 1.
 * The status document of many roles is mostly repeated keys and digests: compressed, it fits a unix socket's send
 * buffer and leaves in one write, instead of draining over several turns of an event loop busy converging.
 * Brotli's lowest quality costs less than building the document (decision 019). Bodies are compressed whole
 * (they are built whole anyway); streams such as server-sent events are not JSON and pass untouched.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import { parseAccept } from 'hono/utils/accept';

/** Encodings offered, best first. */
export const ENCODINGS = ['br', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Bodies smaller than this go as they are: the framing would eat the gain. */
export const COMPRESS_MIN_BYTES = 1024;

/** The encoding to answer with for an Accept-Encoding header: the client's highest q, ties to the order above. */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const accepts = parseAccept(header);
  const q = (enc: string) =>
    accepts.find((a) => a.type.toLowerCase() === enc)?.q ?? accepts.find((a) => a.type === '*')?.q ?? 0;
  let best: { enc: Encoding; q: number } | undefined;
  for (const enc of ENCODINGS) {
    const weight = q(enc);
    if (weight > 0 && (!best || weight > best.q)) best = { enc, q: weight };
  }
  return best?.enc;
}

/** Compress `bytes` for `encoding`. */
export function encodeBody(bytes: Uint8Array, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      })
    : gzipSync(bytes, { level: 1 });
}

/**
 * Answer JSON text as it is or compressed per the request's Accept-Encoding, straight from the string: the
 * status document is polled while roles converge, and reading a built answer back to compress it costs as much
 * again as compressing it.
 */
export function jsonAnswer(c: Context, json: string): Response {
  const encoding = json.length >= COMPRESS_MIN_BYTES ? chooseEncoding(c.req.header('accept-encoding')) : undefined;
  const headers = { 'content-type': 'application/json', vary: 'accept-encoding' };
  if (!encoding) return c.body(json, 200, headers);
  const body = encodeBody(Buffer.from(json), encoding);
  return c.body(new Uint8Array(body), 200, {
    ...headers,
    'content-encoding': encoding,
    'content-length': String(body.length),
  });
}

/** Middleware: compress JSON answers of COMPRESS_MIN_BYTES or more for clients that accept br or gzip. */
export function compressJson(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (!/^application\/json\b/i.test(res.headers.get('content-type') ?? '')) return;
    if (res.headers.has('content-encoding') || c.req.method === 'HEAD' || !res.body) return;
    c.header('vary', 'accept-encoding', { append: true });
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    if (!encoding) return;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const small = bytes.length < COMPRESS_MIN_BYTES;
    const body = small ? bytes : encodeBody(bytes, encoding);
    c.res = new Response(body, { status: res.status, headers: res.headers });
    c.res.headers.set('content-length', String(body.length));
    if (!small) c.res.headers.set('content-encoding', encoding);
  };
}
