/** The OpenRPC document, generated from the method table's zod schemas (no hand-kept copy). */
import { z } from 'zod';
import { RPC_ERRORS } from './errors.ts';
import type { MethodDef, MethodTable } from './method.ts';

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema, draft-07 like the OpenRPC meta-schema; `input` for params, `output` for results. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** The OpenRPC 1.3 document of a method table. */
export function buildOpenRpc(methods: MethodTable, version: string): Json {
  const errors: Json = {};
  for (const [name, e] of Object.entries(RPC_ERRORS)) errors[name] = { code: e.code, message: e.message };
  return {
    openrpc: '1.3.2',
    info: {
      title: 'hero_team',
      version,
      description:
        'Desired state and status of per-role Kimi Code CLI configurations. Params are by name. No result ever holds a secret value.',
    },
    methods: Object.entries(methods).map(([name, def]) => methodObject(name, def)),
    components: { errors },
  };
}

function methodObject(name: string, def: MethodDef): Json {
  const params = paramDescriptors(def);
  return {
    name,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    paramStructure: 'by-name',
    params,
    result: { name: `${name}_result`, schema: jsonSchemaOf(def.result, 'output') },
    errors: (def.errors ?? []).map((e) => ({ $ref: `#/components/errors/${e}` })),
    examples: def.examples.map((ex) => ({
      name: ex.name,
      params: Object.entries(ex.params as Json).map(([k, v]) => ({ name: k, value: v })),
      result: { name: `${ex.name} result`, value: ex.result },
    })),
  };
}

/** One content descriptor per key of the params object. */
function paramDescriptors(def: MethodDef): Json[] {
  const whole = jsonSchemaOf(def.params, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(whole.properties ?? {}).map(([key, schema]) => ({
    name: key,
    required: (whole.required ?? []).includes(key),
    schema,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  }));
}
