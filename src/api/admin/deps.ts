/** What the dashboard needs from the API: the JSON-RPC methods (its one write path) and status changes. */

/** A JSON-RPC error answer, thrown by `call`. */
export interface RpcErrorLike {
  code: number;
  message: string;
  data?: unknown;
}

/** A change the daemon reports: the roles whose status changed (empty: something global). */
export interface StatusChange {
  roles: string[];
}

/** The dashboard's dependencies, injected. */
export interface AdminDeps {
  /** Call a JSON-RPC method through the API's dispatcher; rejects with an RpcErrorLike. */
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** A generated file of a role as it is on disk, keys redacted; undefined when it is missing. */
  readRoleFile(role: string, path: string): Promise<string | undefined>;
  /** Listen to status changes; returns the function that stops listening. */
  subscribe(listener: (change: StatusChange) => void): () => void;
}

/** True when `err` is a JSON-RPC error answer. */
export function isRpcError(err: unknown): err is RpcErrorLike {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as RpcErrorLike).code === 'number' &&
    typeof (err as RpcErrorLike).message === 'string'
  );
}
