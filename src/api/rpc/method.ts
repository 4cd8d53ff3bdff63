/** One JSON-RPC method: params and result as zod schemas (the only source of truth), docs, examples, handler. */
import type { z } from 'zod';
import type { Control } from '../control.ts';
import type { RpcErrorName } from './errors.ts';

/** What a handler may use. */
export interface MethodContext {
  control: Control;
  /** The OpenRPC document of the table the method belongs to. */
  openrpc(): Record<string, unknown>;
}

/** An example call, run against a live daemon by the tests (test/api/openrpc.test.ts). */
export interface MethodExample<P extends z.ZodObject, R extends z.ZodType> {
  name: string;
  params: z.input<P>;
  /** An illustrative result (validated against the result schema). */
  result: z.output<R>;
}

/** One method of the table. Params are by name: `params` is a zod object, one content descriptor per key. */
export interface MethodDef<P extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> {
  summary: string;
  description?: string;
  params: P;
  result: R;
  /** Domain errors the method may answer with (protocol errors apply to all). */
  errors?: readonly RpcErrorName[];
  /** True for methods that change the desired state. */
  mutates?: boolean;
  examples: readonly MethodExample<P, R>[];
  handler: (params: z.output<P>, ctx: MethodContext) => Promise<z.output<R>>;
}

/** Declare a method with its types inferred from its schemas. */
export function defineMethod<P extends z.ZodObject, R extends z.ZodType>(def: MethodDef<P, R>): MethodDef<P, R> {
  return def;
}

/** A method table: name → definition. */
export type MethodTable = Record<string, MethodDef<z.ZodObject, z.ZodType>>;

/** Params type of a method of a table (what a client sends). */
export type ParamsOf<M> = M extends MethodDef<infer P, z.ZodType> ? z.input<P> : never;
/** Result type of a method of a table (what a client receives). */
export type ResultOf<M> = M extends MethodDef<z.ZodObject, infer R> ? z.output<R> : never;
