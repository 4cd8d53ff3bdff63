/**
 * The method table: the only list of JSON-RPC methods. The dispatcher, the OpenRPC document (`rpc.discover`,
 * GET /openrpc.json) and the client's types all derive from it. Adding a method is one entry here plus its
 * `defineMethod` (zod params and result, examples, handler) in methods/.
 */
import { config_render, config_write, model_list } from './methods/config.ts';
import { config_diff, doctor } from './methods/ownership.ts';
import { role_delete, role_get, role_list, role_upsert } from './methods/roles.ts';
import { skill_list, skill_sync } from './methods/skills.ts';
import { rpc_discover, status } from './methods/status.ts';

/** Every method, by its wire name. */
export const METHODS = {
  role_list,
  role_get,
  role_upsert,
  role_delete,
  skill_list,
  skill_sync,
  config_render,
  config_write,
  config_diff,
  doctor,
  status,
  model_list,
  'rpc.discover': rpc_discover,
} as const;

/** The table's type: what the typed client is generated from. */
export type Methods = typeof METHODS;
/** A method's wire name. */
export type MethodName = keyof Methods;
