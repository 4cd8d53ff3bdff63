/**
 * JSON-RPC 2.0 dispatcher: single and batch requests, notifications, and the error codes. Order: parse (-32700),
 * request shape (-32600), method (-32601), params by name through zod (-32602), handler (domain codes, -32603
 * without internals). Handlers never see unvalidated params; nothing here answers with a 5xx.
 */
import type { Logger } from '../../log.ts';
import { RPC_ERRORS, RpcError, toRpcError, zodIssues } from './errors.ts';
import type { MethodContext, MethodTable } from './method.ts';

/** A JSON-RPC id. */
export type RpcId = string | number | null;
/** One response object. */
export type RpcResponse =
  | { jsonrpc: '2.0'; id: RpcId; result: unknown }
  | { jsonrpc: '2.0'; id: RpcId; error: { code: number; message: string; data?: unknown } };

/** Largest batch served; a bigger one is one -32600. */
export const MAX_BATCH = 200;

/** Called once per request object handled: method label (a table name or `unknown`) and outcome code (0: ok). */
export type RpcObserver = (method: string, code: number, seconds: number) => void;

/** Dispatches request bodies against a method table. */
export interface Dispatcher {
  /** Handle a raw body; undefined when nothing must be sent back (only notifications). */
  handleText(text: string): Promise<RpcResponse | RpcResponse[] | undefined>;
  /** Handle a parsed body (a request object or a batch). */
  handle(body: unknown): Promise<RpcResponse | RpcResponse[] | undefined>;
  /** Call one method directly (the admin dashboard's forms); throws RpcError. */
  call(method: string, params: unknown): Promise<unknown>;
}

/** Build a dispatcher for `methods`. */
export function createDispatcher(
  methods: MethodTable,
  ctx: MethodContext,
  log: Logger,
  observe: RpcObserver = () => {},
): Dispatcher {
  const call = async (method: string, params: unknown): Promise<unknown> => {
    const def = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!def) throw RpcError.of('methodNotFound', `unknown method "${method}"; see rpc.discover`);
    if (Array.isArray(params)) throw RpcError.of('invalidParams', 'params must be an object (by name), not an array');
    const parsed = def.params.safeParse(params ?? {});
    if (!parsed.success) throw RpcError.of('invalidParams', undefined, zodIssues(parsed.error));
    return def.handler(parsed.data, ctx);
  };

  const one = async (req: unknown): Promise<RpcResponse | undefined> => {
    const shape = requestShape(req);
    if ('invalid' in shape) return errorResponse(shape.id, RpcError.of('invalidRequest', shape.invalid));
    const label = Object.hasOwn(methods, shape.method) ? shape.method : 'unknown';
    const t0 = performance.now();
    let response: RpcResponse;
    try {
      response = { jsonrpc: '2.0', id: shape.id ?? null, result: await call(shape.method, shape.params) };
      observe(label, 0, (performance.now() - t0) / 1000);
    } catch (err) {
      const e = toRpcError(err);
      if (e.code === RPC_ERRORS.internal.code)
        log.error({ method: label, err: err instanceof Error ? err.message : String(err) }, 'rpc method failed');
      observe(label, e.code, (performance.now() - t0) / 1000);
      response = errorResponse(shape.id ?? null, e);
    }
    return shape.notification ? undefined : response;
  };

  const handle = async (body: unknown): Promise<RpcResponse | RpcResponse[] | undefined> => {
    if (!Array.isArray(body)) return one(body);
    if (body.length === 0) return errorResponse(null, RpcError.of('invalidRequest', 'empty batch'));
    if (body.length > MAX_BATCH)
      return errorResponse(
        null,
        RpcError.of('invalidRequest', `batch of ${body.length} requests; at most ${MAX_BATCH}`),
      );
    const out: RpcResponse[] = [];
    for (const req of body) {
      const r = await one(req);
      if (r) out.push(r);
    }
    return out.length ? out : undefined;
  };

  return {
    handle,
    call,
    handleText: async (text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return errorResponse(null, RpcError.of('parse', 'body is not valid JSON'));
      }
      return handle(body);
    },
  };
}

type Shape =
  | { method: string; params: unknown; id: RpcId | undefined; notification: boolean }
  | { invalid: string; id: RpcId };

/** Check one request object; an invalid one is answered with its id when that id is valid, else null. */
function requestShape(req: unknown): Shape {
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    return { invalid: 'a request must be an object', id: null };
  const r = req as Record<string, unknown>;
  const idOk =
    !('id' in r) || r.id === null || typeof r.id === 'string' || (typeof r.id === 'number' && Number.isFinite(r.id));
  const id = idOk && 'id' in r ? (r.id as RpcId) : null;
  if (!idOk) return { invalid: 'id must be a string, a number or null', id: null };
  if (r.jsonrpc !== '2.0') return { invalid: 'jsonrpc must be "2.0"', id };
  if (typeof r.method !== 'string') return { invalid: 'method must be a string', id };
  if ('params' in r && (typeof r.params !== 'object' || r.params === null))
    return { invalid: 'params must be an object or an array', id };
  return {
    method: r.method,
    params: r.params,
    id: 'id' in r ? (r.id as RpcId) : undefined,
    notification: !('id' in r),
  };
}

function errorResponse(id: RpcId, e: RpcError): RpcResponse {
  return {
    jsonrpc: '2.0',
    id,
    error:
      e.data === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, data: e.data },
  };
}
