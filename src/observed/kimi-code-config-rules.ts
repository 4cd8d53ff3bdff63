/**
 * The Kimi Code 2.x config.toml / mcp.json rules (kimi-code-format §3, §7): what doctor checks for the kimi-code
 * target. Kimi Code drops a section whose value is invalid (with only a warning) and ignores unknown keys, so a
 * violation here is a setting that silently has no effect; problems starting with "unknown key" are the ignored
 * keys, the rest are values Kimi Code drops or prompts that would fail.
 */
import { parse } from 'smol-toml';

type Table = Record<string, unknown>;

const TOP_KEYS = [
  'default_model',
  'default_permission_mode',
  'default_plan_mode',
  'merge_all_available_skills',
  'extra_skill_dirs',
  'extra_agent_dirs',
  'builtin_product_skills',
  'thinking',
  'loop_control',
  'tools',
  'services',
  'permission',
  'mcp',
  'telemetry',
  'hooks',
  'background',
  'subagent',
  'identity',
  'models',
  'providers',
];
/** kimi-cli keys Kimi Code ignores, with what to write instead (§0.3, §3 "kimi-cli → kimi-code"). */
const LEGACY_KEYS: Record<string, string> = {
  default_thinking: '[thinking] enabled',
  default_yolo: 'default_permission_mode = "yolo"',
  theme: 'tui.toml',
  skip_afk_prompt_injection: 'nothing',
  default_editor: 'nothing',
  show_thinking_stream: 'nothing',
  notifications: 'nothing',
};
const BOOLS = ['default_plan_mode', 'merge_all_available_skills', 'builtin_product_skills'];
const PERMISSION_MODES = ['manual', 'yolo', 'auto'];
/** Provider types Kimi Code can prompt with; `openai_legacy`, `gemini` and `vertexai` pass its doctor, then every prompt fails. */
export const KIMI_CODE_PROVIDER_TYPES = ['kimi', 'openai', 'openai_responses', 'anthropic', 'google-genai'] as const;
const PROVIDER_KEYS = ['type', 'base_url', 'api_key', 'api_key_env', 'oauth', 'env', 'custom_headers', 'model_source'];
const MODEL_KEYS = [
  'provider',
  'model',
  'max_context_size',
  'max_output_size',
  'capabilities',
  'display_name',
  'reasoning_key',
  'protocol',
  'base_url',
  'support_efforts',
  'default_effort',
  'overrides',
];
const THINKING_KEYS = ['enabled', 'effort', 'keep'];
const SERVICE_NAMES = ['moonshot_search', 'moonshot_fetch'];
const SERVICE_KEYS = ['base_url', 'api_key', 'oauth', 'custom_headers'];

/** Violations of Kimi Code's config.toml rules (hooks excepted: see kimi-native-rules). */
export function checkKimiCodeConfig(toml: string): string[] {
  let doc: Table;
  try {
    doc = parse(toml) as Table;
  } catch (err) {
    // Kimi Code reads a file it cannot parse as empty: "No model configured".
    return [`not valid TOML (Kimi Code would start with no model): ${(err as Error).message.split('\n')[0]}`];
  }
  const out: string[] = [];
  for (const key of Object.keys(doc)) {
    if (key in LEGACY_KEYS) out.push(`unknown key ${key} (a kimi-cli key Kimi Code ignores; use ${LEGACY_KEYS[key]})`);
    else if (!TOP_KEYS.includes(key)) out.push(`unknown key ${key}`);
  }
  for (const key of BOOLS) if (key in doc && typeof doc[key] !== 'boolean') out.push(`${key} must be a boolean`);
  if ('default_permission_mode' in doc && !PERMISSION_MODES.includes(doc.default_permission_mode as string))
    out.push(`default_permission_mode must be one of ${PERMISSION_MODES.join(', ')}`);
  for (const key of ['extra_skill_dirs', 'extra_agent_dirs']) stringList(doc[key], key, out);
  checkThinking(doc.thinking, out);
  const providers = tableAt(doc, 'providers', out);
  const models = tableAt(doc, 'models', out);
  if (typeof doc.default_model !== 'string' || doc.default_model === '')
    out.push('default_model must be a non-empty string (no model configured)');
  else if (!Object.hasOwn(models, doc.default_model))
    out.push(`default_model "${doc.default_model}" is not a key of models`);
  for (const [id, provider] of Object.entries(providers)) checkProvider(id, provider, out);
  for (const [alias, model] of Object.entries(models)) checkModel(alias, model, providers, out);
  checkServices(tableAt(doc, 'services', out), out);
  return out;
}

function checkThinking(value: unknown, out: string[]): void {
  if (value === undefined) return;
  if (!isTable(value)) {
    out.push('thinking must be a table ([thinking] enabled = true|false)');
    return;
  }
  unknownKeys(value, THINKING_KEYS, 'thinking', out);
  if ('enabled' in value && typeof value.enabled !== 'boolean') out.push('thinking.enabled must be a boolean');
}

/** One `[providers.<id>]` (§3): a type Kimi Code can prompt with, at most one credential. */
function checkProvider(id: string, provider: unknown, out: string[]): void {
  const at = `providers."${id}"`;
  if (!isTable(provider)) {
    out.push(`${at} must be a table`);
    return;
  }
  unknownKeys(provider, PROVIDER_KEYS, at, out);
  if (!(KIMI_CODE_PROVIDER_TYPES as readonly unknown[]).includes(provider.type))
    out.push(`${at}.type must be one of ${KIMI_CODE_PROVIDER_TYPES.join(', ')} (other types fail every prompt)`);
  for (const key of ['base_url', 'api_key', 'api_key_env', 'model_source'])
    if (key in provider && typeof provider[key] !== 'string') out.push(`${at}.${key} must be a string`);
  for (const key of ['env', 'custom_headers']) stringMap(provider[key], `${at}.${key}`, out);
  const credentials = ['api_key', 'api_key_env', 'oauth'].filter(
    (k) => provider[k] !== undefined && provider[k] !== '',
  );
  if (credentials.length > 1) out.push(`${at} declares more than one credential (${credentials.join(', ')})`);
}

/** One `[models.<alias>]` (§3): provider, model and max_context_size ≥ 1 are needed at prompt time. */
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
  for (const key of ['max_context_size', 'max_output_size']) {
    const v = model[key];
    if ((key === 'max_context_size' || v !== undefined) && !(Number.isInteger(v) && (v as number) >= 1))
      out.push(`${at}.${key} must be an integer ≥ 1`);
  }
  if ('display_name' in model && typeof model.display_name !== 'string')
    out.push(`${at}.display_name must be a string`);
  stringList(model.capabilities, `${at}.capabilities`, out);
}

/** `[services]`: the two moonshot services only. */
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
      if (key in service && typeof service[key] !== 'string') out.push(`${at}.${key} must be a string`);
    stringMap(service.custom_headers, `${at}.custom_headers`, out);
  }
}

const STDIO_KEYS = ['transport', 'command', 'args', 'env', 'cwd', 'enabled', 'enabledTools', 'disabledTools'];
const REMOTE_KEYS = [
  'transport',
  'url',
  'headers',
  'bearerTokenEnvVar',
  'auth',
  'enabled',
  'enabledTools',
  'disabledTools',
];

/** Violations of Kimi Code's mcp.json loader (§7); any non-"unknown key" one drops every server of the file. */
export function checkKimiCodeMcpJson(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [`not valid JSON: ${(err as Error).message}`];
  }
  if (!isTable(doc)) return ['top level must be an object'];
  if (!isTable(doc.mcpServers)) return ['mcpServers must be an object'];
  const out: string[] = [];
  for (const [name, server] of Object.entries(doc.mcpServers)) checkMcpServer(name, server, out);
  return out;
}

function checkMcpServer(name: string, server: unknown, out: string[]): void {
  const at = `mcpServers."${name}"`;
  if (!isTable(server)) {
    out.push(`${at} must be an object`);
    return;
  }
  const stdio = typeof server.command === 'string';
  const remote = typeof server.url === 'string';
  if (stdio === remote) {
    out.push(`${at} needs exactly one of command (string) or url (string)`);
    return;
  }
  unknownKeys(server, stdio ? STDIO_KEYS : REMOTE_KEYS, at, out);
  const transports = stdio ? ['stdio'] : ['http', 'sse'];
  if ('transport' in server && !transports.includes(server.transport as string))
    out.push(`${at}.transport must be ${transports.map((t) => `"${t}"`).join(' or ')}`);
  stringList(server.args, `${at}.args`, out);
  for (const key of ['env', 'headers']) stringMap(server[key], `${at}.${key}`, out);
  if ('auth' in server && server.auth !== 'oauth') out.push(`${at}.auth may only be "oauth" (a token goes in headers)`);
  if ('enabled' in server && typeof server.enabled !== 'boolean') out.push(`${at}.enabled must be a boolean`);
  if (remote) {
    try {
      const url = new URL(server.url as string);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') out.push(`${at}.url must be http(s)`);
    } catch {
      out.push(`${at}.url is not a valid URL`);
    }
  }
}

function tableAt(doc: Table, key: string, out: string[]): Table {
  const value = doc[key];
  if (value === undefined) return {};
  if (isTable(value)) return value;
  out.push(`${key} must be a table`);
  return {};
}

function unknownKeys(table: Table, known: readonly string[], at: string, out: string[]): void {
  for (const key of Object.keys(table)) if (!known.includes(key)) out.push(`unknown key ${at}.${key}`);
}

function stringList(value: unknown, at: string, out: string[]): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
    out.push(`${at} must be a list of strings`);
}

function stringMap(value: unknown, at: string, out: string[]): void {
  if (value === undefined) return;
  if (!isTable(value) || Object.values(value).some((v) => typeof v !== 'string'))
    out.push(`${at} must map strings to strings`);
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
