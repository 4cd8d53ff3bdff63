/** JSON-RPC error codes (protocol and domain) and the mapping from our named errors to them. */
import type { z } from 'zod';
import { InputError, RoleNotFoundError, StoreError, StoreLockedError } from '../../errors.ts';

/** Every error code the API answers with; domain codes are documented in the OpenRPC document. */
export const RPC_ERRORS = {
  parse: { code: -32700, message: 'Parse error' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  invalidParams: { code: -32602, message: 'Invalid params' },
  internal: { code: -32603, message: 'Internal error' },
  conflict: { code: -32001, message: 'Conflict: the role changed since expectedGeneration' },
  unknownRole: { code: -32002, message: 'Unknown role' },
  storeInvalid: { code: -32003, message: 'store.json is invalid or locked; nothing was changed' },
  timeout: { code: -32004, message: 'Timed out waiting for convergence' },
} as const;

/** Name of an error code in RPC_ERRORS. */
export type RpcErrorName = keyof typeof RPC_ERRORS;

/** An error a handler throws to answer with a given code; `data` must never hold a secret. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }

  /** An error of a known kind, with a specific message. */
  static of(name: RpcErrorName, message?: string, data?: unknown): RpcError {
    return new RpcError(RPC_ERRORS[name].code, message ?? RPC_ERRORS[name].message, data);
  }
}

/** zod issues as `data` of -32602: path, code and message only (never the input, which may hold a secret). */
export function zodIssues(error: z.ZodError): { path: (string | number)[]; code: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    code: i.code,
    message: i.message,
  }));
}

/** Map a thrown value to an RpcError; unknown errors become -32603 without internals. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof RoleNotFoundError) return RpcError.of('unknownRole', err.message, { role: err.role });
  if (err instanceof StoreError)
    return RpcError.of('storeInvalid', err.message, { path: err.path, position: err.position });
  if (err instanceof StoreLockedError) return RpcError.of('storeInvalid', err.message, { path: err.path });
  if (err instanceof InputError) return RpcError.of('invalidParams', err.message, { field: err.field });
  return RpcError.of('internal');
}
