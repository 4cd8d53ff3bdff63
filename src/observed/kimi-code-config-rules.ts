/**
 * The Kimi Code 2.x config.toml / mcp.json rules (kimi-code-format §3, §7): what doctor checks for the kimi-code
 * target. Kimi Code drops a section whose value is invalid (with only a warning) and ignores unknown keys, so a
 * violation here is a setting that silently has no effect; problems starting with "unknown key" are the ignored
 * keys, the rest are values Kimi Code drops or prompts that would fail.
 */
import {
  applyRules,
  type ConfigRules,
  checkConfigToml,
  checkMcpJsonText,
  mcpServerKind,
  section,
  unknownKeys,
} from './config-rule-engine.ts';
import {
  boolean,
  integer,
  listOf,
  oneOf,
  optional,
  type Rule,
  string,
  stringMap,
  type Table,
} from './config-value-rules.ts';

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
/**
 * Provider types Kimi Code can prompt with; `openai_legacy`, `gemini` and `vertexai` pass its doctor, then every
 * prompt fails.
 */
export const KIMI_CODE_PROVIDER_TYPES = ['kimi', 'openai', 'openai_responses', 'anthropic', 'google-genai'] as const;
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

/** A provider declaring more than one credential (§3). */
function checkCredentials(provider: Table, at: string, out: string[]): void {
  const credentials = ['api_key', 'api_key_env', 'oauth'].filter(
    (k) => provider[k] !== undefined && provider[k] !== '',
  );
  if (credentials.length > 1) out.push(`${at} declares more than one credential (${credentials.join(', ')})`);
}

/**
 * Kimi Code's tables (§3; hooks excepted: see kimi-native-rules): `[providers.<id>]` needs a type it can prompt
 * with and at most one credential; `[models.<alias>]` needs provider, model and max_context_size ≥ 1 at prompt time.
 */
const RULES: ConfigRules = {
  // Kimi Code reads a file it cannot parse as empty: "No model configured".
  invalidToml: 'not valid TOML (Kimi Code would start with no model)',
  top: {
    keys: TOP_KEYS,
    note: (key) =>
      Object.hasOwn(LEGACY_KEYS, key) ? `a kimi-cli key Kimi Code ignores; use ${LEGACY_KEYS[key]}` : undefined,
    rules: {
      default_plan_mode: optional(boolean),
      merge_all_available_skills: optional(boolean),
      builtin_product_skills: optional(boolean),
      default_permission_mode: optional(oneOf(['manual', 'yolo', 'auto'])),
      extra_skill_dirs: optional(listOf()),
      extra_agent_dirs: optional(listOf()),
      thinking: optional(
        section(
          { keys: ['enabled', 'effort', 'keep'], rules: { enabled: optional(boolean) } },
          'must be a table ([thinking] enabled = true|false)',
        ),
      ),
    },
  },
  noModel: ' (no model configured)',
  provider: {
    keys: ['type', 'base_url', 'api_key', 'api_key_env', 'oauth', 'env', 'custom_headers', 'model_source'],
    rules: {
      type: oneOf(KIMI_CODE_PROVIDER_TYPES, ' (other types fail every prompt)'),
      base_url: optional(string),
      api_key: optional(string),
      api_key_env: optional(string),
      model_source: optional(string),
      env: optional(stringMap),
      custom_headers: optional(stringMap),
    },
    check: checkCredentials,
  },
  model: {
    keys: MODEL_KEYS,
    rules: {
      model: string,
      max_context_size: integer(1),
      max_output_size: optional(integer(1)),
      display_name: optional(string),
      capabilities: optional(listOf()),
    },
  },
  service: {
    keys: ['base_url', 'api_key', 'oauth', 'custom_headers'],
    rules: { base_url: optional(string), api_key: optional(string), custom_headers: optional(stringMap) },
  },
};

/** Keys both kinds of mcpServers entry take. */
const SERVER_KEYS = ['transport', 'enabled', 'enabledTools', 'disabledTools'];
const STDIO_KEYS = [...SERVER_KEYS, 'command', 'args', 'env', 'cwd'];
const REMOTE_KEYS = [...SERVER_KEYS, 'url', 'headers', 'bearerTokenEnvVar', 'auth'];
const SERVER_RULES = {
  args: optional(listOf()),
  env: optional(stringMap),
  headers: optional(stringMap),
  auth: optional((value, at, out) => {
    if (value !== 'oauth') out.push(`${at} may only be "oauth" (a token goes in headers)`);
  }),
  enabled: optional(boolean),
} satisfies Record<string, Rule>;

/** Violations of Kimi Code's config.toml rules (hooks excepted: see kimi-native-rules). */
export function checkKimiCodeConfig(toml: string): string[] {
  return checkConfigToml(toml, RULES);
}

/** Violations of Kimi Code's mcp.json loader (§7); any non-"unknown key" one drops every server of the file. */
export function checkKimiCodeMcpJson(text: string): string[] {
  return checkMcpJsonText(text, (err) => `not valid JSON: ${err.message}`, checkMcpServer);
}

/** One mcpServers entry: command XOR url, only that kind's keys, typed fields, an http(s) url. */
function checkMcpServer(value: unknown, at: string, out: string[]): void {
  const kind = mcpServerKind(value, at, out);
  if (!kind || kind.stdio === kind.remote) return;
  const { server, stdio } = kind;
  unknownKeys(server, stdio ? STDIO_KEYS : REMOTE_KEYS, at, out);
  const transports = stdio ? ['stdio'] : ['http', 'sse'];
  if ('transport' in server && !transports.includes(server.transport as string))
    out.push(`${at}.transport must be ${transports.map((t) => `"${t}"`).join(' or ')}`);
  applyRules(server, SERVER_RULES, at, out);
  if (stdio) return;
  try {
    const url = new URL(server.url as string);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') out.push(`${at}.url must be http(s)`);
  } catch {
    out.push(`${at}.url is not a valid URL`);
  }
}
