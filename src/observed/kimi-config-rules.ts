/** The Kimi CLI config.toml / mcp.json rules (kimi-cli-format §1, §3.2): what doctor checks and the tests hold generated files to. */
import { parse } from 'smol-toml';
import { CAPABILITIES } from '../desired/schema.ts';

/** Provider types the legacy kimi-cli accepts (kimi-cli-format §1.3; test-only types excluded). */
const PROVIDER_TYPES = [
  'kimi',
  'openai_legacy',
  'openai_responses',
  'anthropic',
  'gemini',
  'google_genai',
  'vertexai',
] as const;

type Table = Record<string, unknown>;

const TOP_KEYS = [
  'default_model',
  'default_thinking',
  'default_yolo',
  'skip_afk_prompt_injection',
  'default_plan_mode',
  'default_editor',
  'theme',
  'show_thinking_stream',
  'models',
  'providers',
  'loop_control',
  'background',
  'notifications',
  'services',
  'mcp',
  'hooks',
  'merge_all_available_skills',
  'extra_skill_dirs',
  'telemetry',
];
const TOP_BOOLS = [
  'default_thinking',
  'default_yolo',
  'skip_afk_prompt_injection',
  'default_plan_mode',
  'show_thinking_stream',
  'merge_all_available_skills',
  'telemetry',
];
const PROVIDER_KEYS = ['type', 'base_url', 'api_key', 'env', 'custom_headers', 'reasoning_key', 'oauth'];
const MODEL_KEYS = ['provider', 'model', 'max_context_size', 'capabilities', 'display_name'];
const SERVICE_NAMES = ['moonshot_search', 'moonshot_fetch'];
const SERVICE_KEYS = ['base_url', 'api_key', 'custom_headers', 'oauth'];
const REMOTE_TRANSPORTS = ['http', 'streamable-http', 'sse'];

/** Violations of the Kimi config.toml rules in a TOML text; empty when Kimi would accept it as we intend. */
export function checkKimiConfig(toml: string): string[] {
  let doc: Table;
  try {
    doc = parse(toml) as Table;
  } catch (err) {
    return [`not valid TOML: ${(err as Error).message.split('\n')[0]}`];
  }
  const out: string[] = [];
  unknownKeys(doc, TOP_KEYS, '', out);
  for (const key of TOP_BOOLS) if (key in doc && typeof doc[key] !== 'boolean') out.push(`${key} must be a boolean`);
  checkSkillDirs(doc.extra_skill_dirs, out);
  const providers = tableAt(doc, 'providers', out);
  const models = tableAt(doc, 'models', out);
  checkDefaultModel(doc.default_model, models, out);
  for (const [name, provider] of Object.entries(providers)) checkProvider(name, provider, out);
  for (const [alias, model] of Object.entries(models)) checkModel(alias, model, providers, out);
  checkServices(tableAt(doc, 'services', out), out);
  return out;
}

/** Violations of the fastmcp MCPConfig rules (as Kimi uses them) in an mcp.json text. */
export function checkMcpJson(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // V8 quotes the text around the error, which may be a key: only its position is shown.
    const at = /position \d+(?: \(line \d+ column \d+\))?/.exec((err as Error).message)?.[0];
    return [`not valid JSON${at ? ` at ${at}` : ''} (content not shown: it may hold keys)`];
  }
  if (!isTable(doc)) return ['top level must be an object'];
  if (!isTable(doc.mcpServers)) return ['mcpServers must be an object'];
  const out: string[] = [];
  for (const [name, server] of Object.entries(doc.mcpServers)) checkMcpServer(name, server, out);
  return out;
}

/** Rules for default_model: a non-empty string naming a models key. */
function checkDefaultModel(value: unknown, models: Table, out: string[]): void {
  if (typeof value !== 'string' || value === '') out.push('default_model must be a non-empty string');
  else if (!Object.hasOwn(models, value)) out.push(`default_model "${value}" is not a key of models`);
}

/** Rules for extra_skill_dirs: a list of absolute path strings. */
function checkSkillDirs(value: unknown, out: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    out.push('extra_skill_dirs must be a list');
    return;
  }
  value.forEach((dir, i) => {
    if (typeof dir !== 'string' || !dir.startsWith('/')) out.push(`extra_skill_dirs[${i}] must be an absolute path`);
  });
}

/** Rules for one `[providers.<name>]` table (§1.3). */
function checkProvider(name: string, provider: unknown, out: string[]): void {
  const at = `providers."${name}"`;
  if (!isTable(provider)) {
    out.push(`${at} must be a table`);
    return;
  }
  unknownKeys(provider, PROVIDER_KEYS, at, out);
  if (!(PROVIDER_TYPES as readonly unknown[]).includes(provider.type))
    out.push(`${at}.type must be one of ${PROVIDER_TYPES.join(', ')}`);
  for (const key of ['base_url', 'api_key'])
    if (typeof provider[key] !== 'string') out.push(`${at}.${key} must be a string`);
  for (const key of ['env', 'custom_headers']) stringMap(provider[key], `${at}.${key}`, out);
  if ('reasoning_key' in provider && typeof provider.reasoning_key !== 'string')
    out.push(`${at}.reasoning_key must be a string`);
}

/** Rules for one `[models.<alias>]` table (§1.4) and its provider reference (§1.9). */
function checkModel(alias: string, model: unknown, providers: Table, out: string[]): void {
  const at = `models."${alias}"`;
  if (!isTable(model)) {
    out.push(`${at} must be a table`);
    return;
  }
  unknownKeys(model, MODEL_KEYS, at, out);
  if (typeof model.provider !== 'string') out.push(`${at}.provider must be a string`);
  else if (!Object.hasOwn(providers, model.provider))
    out.push(`${at}.provider "${model.provider}" is not a key of providers`);
  if (typeof model.model !== 'string') out.push(`${at}.model must be a string`);
  if (!Number.isInteger(model.max_context_size)) out.push(`${at}.max_context_size must be an integer`);
  if ('display_name' in model && typeof model.display_name !== 'string')
    out.push(`${at}.display_name must be a string`);
  if ('capabilities' in model) {
    const caps = model.capabilities;
    const ok = Array.isArray(caps) && caps.every((c) => (CAPABILITIES as readonly unknown[]).includes(c));
    if (!ok) out.push(`${at}.capabilities must be a list of ${CAPABILITIES.join(', ')}`);
  }
}

/** Rules for `[services]` (§1.7): only the two moonshot services, each with base_url and api_key strings. */
function checkServices(services: Table, out: string[]): void {
  unknownKeys(services, SERVICE_NAMES, 'services', out);
  for (const name of SERVICE_NAMES) {
    const service = services[name];
    if (service === undefined) continue;
    const at = `services.${name}`;
    if (!isTable(service)) {
      out.push(`${at} must be a table`);
      continue;
    }
    unknownKeys(service, SERVICE_KEYS, at, out);
    for (const key of ['base_url', 'api_key'])
      if (typeof service[key] !== 'string') out.push(`${at}.${key} must be a string`);
    stringMap(service.custom_headers, `${at}.custom_headers`, out);
  }
}

/** Rules for one mcpServers entry (§3.2): command XOR url, and typed optional fields. */
function checkMcpServer(name: string, server: unknown, out: string[]): void {
  const at = `mcpServers."${name}"`;
  if (!isTable(server)) {
    out.push(`${at} must be an object`);
    return;
  }
  const stdio = typeof server.command === 'string';
  const remote = typeof server.url === 'string';
  if (stdio === remote) out.push(`${at} needs exactly one of command (string) or url (string)`);
  if ('command' in server && !stdio) out.push(`${at}.command must be a string`);
  if ('url' in server && !remote) out.push(`${at}.url must be a string`);
  const args = server.args;
  if (args !== undefined && !(Array.isArray(args) && args.every((a) => typeof a === 'string')))
    out.push(`${at}.args must be a list of strings`);
  if ('env' in server && !isTable(server.env)) out.push(`${at}.env must be an object`);
  stringMap(server.headers, `${at}.headers`, out);
  if ('auth' in server && typeof server.auth !== 'string') out.push(`${at}.auth must be a string`);
  const transport = server.transport;
  if (transport === undefined || transport === null) return;
  if (stdio && transport !== 'stdio') out.push(`${at}.transport must be "stdio" for a command server`);
  if (!stdio && !REMOTE_TRANSPORTS.includes(transport as string))
    out.push(`${at}.transport must be one of ${REMOTE_TRANSPORTS.join(', ')}`);
}

/** The table under `key`, or an empty one (recording a violation when present but not a table). */
function tableAt(doc: Table, key: string, out: string[]): Table {
  const value = doc[key];
  if (value === undefined) return {};
  if (isTable(value)) return value;
  out.push(`${key} must be a table`);
  return {};
}

/** Record every key of `table` that Kimi does not know at this level. */
function unknownKeys(table: Table, known: readonly string[], at: string, out: string[]): void {
  for (const key of Object.keys(table)) if (!known.includes(key)) out.push(`unknown key ${at ? `${at}.` : ''}${key}`);
}

/** Record a violation when an optional value is present but not a string→string map. */
function stringMap(value: unknown, at: string, out: string[]): void {
  if (value === undefined) return;
  if (!isTable(value) || Object.values(value).some((v) => typeof v !== 'string'))
    out.push(`${at} must map strings to strings`);
}

/** True for a plain object (TOML table / JSON object). */
function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
