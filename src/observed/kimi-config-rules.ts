/** Kimi CLI config.toml / mcp.json rules (kimi-cli-format §1, §3.2): what doctor checks; tests hold output to them. */
import { CAPABILITIES } from '../desired/schema.ts';
import {
  applyRules,
  type ConfigRules,
  checkConfigToml,
  checkMcpJsonText,
  mcpServerKind,
} from './config-rule-engine.ts';
import {
  boolean,
  integer,
  isTable,
  listOf,
  oneOf,
  optional,
  type Rule,
  string,
  stringMap,
} from './config-value-rules.ts';

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
const REMOTE_TRANSPORTS = ['http', 'streamable-http', 'sse'];

/** extra_skill_dirs: a list of absolute path strings. */
const absolutePaths: Rule = (value, at, out) => {
  if (!Array.isArray(value)) {
    out.push(`${at} must be a list`);
    return;
  }
  value.forEach((dir, i) => {
    if (typeof dir !== 'string' || !dir.startsWith('/')) out.push(`${at}[${i}] must be an absolute path`);
  });
};

/** kimi-cli's tables: top level (§1.1), `[providers.<name>]` (§1.3), `[models.<alias>]` (§1.4), `[services]` (§1.7). */
const RULES: ConfigRules = {
  invalidToml: 'not valid TOML',
  top: {
    keys: TOP_KEYS,
    rules: {
      default_thinking: optional(boolean),
      default_yolo: optional(boolean),
      skip_afk_prompt_injection: optional(boolean),
      default_plan_mode: optional(boolean),
      show_thinking_stream: optional(boolean),
      merge_all_available_skills: optional(boolean),
      telemetry: optional(boolean),
      extra_skill_dirs: optional(absolutePaths),
    },
  },
  noModel: '',
  provider: {
    keys: ['type', 'base_url', 'api_key', 'env', 'custom_headers', 'reasoning_key', 'oauth'],
    rules: {
      type: oneOf(PROVIDER_TYPES),
      base_url: string,
      api_key: string,
      env: optional(stringMap),
      custom_headers: optional(stringMap),
      reasoning_key: optional(string),
    },
  },
  model: {
    keys: ['provider', 'model', 'max_context_size', 'capabilities', 'display_name'],
    rules: {
      model: string,
      max_context_size: integer(),
      display_name: optional(string),
      capabilities: optional(listOf(CAPABILITIES)),
    },
  },
  service: {
    keys: ['base_url', 'api_key', 'custom_headers', 'oauth'],
    rules: { base_url: string, api_key: string, custom_headers: optional(stringMap) },
  },
};

/** An mcpServers entry's typed optional fields (§3.2). */
const SERVER_RULES = {
  command: optional(string),
  url: optional(string),
  args: optional(listOf()),
  env: optional((value, at, out) => {
    if (!isTable(value)) out.push(`${at} must be an object`);
  }),
  headers: optional(stringMap),
  auth: optional(string),
} satisfies Record<string, Rule>;

/** Violations of the Kimi config.toml rules in a TOML text; empty when Kimi would accept it as we intend. */
export function checkKimiConfig(toml: string): string[] {
  return checkConfigToml(toml, RULES);
}

/** Violations of the fastmcp MCPConfig rules (as Kimi uses them) in an mcp.json text. */
export function checkMcpJson(text: string): string[] {
  return checkMcpJsonText(text, invalidJson, checkMcpServer);
}

/** V8 quotes the text around a JSON error, which may be a key: only its position is shown. */
function invalidJson(err: Error): string {
  const at = /position \d+(?: \(line \d+ column \d+\))?/.exec(err.message)?.[0];
  return `not valid JSON${at ? ` at ${at}` : ''} (content not shown: it may hold keys)`;
}

/** One mcpServers entry (§3.2): command XOR url, typed optional fields, a transport that fits the kind. */
function checkMcpServer(value: unknown, at: string, out: string[]): void {
  const kind = mcpServerKind(value, at, out);
  if (!kind) return;
  applyRules(kind.server, SERVER_RULES, at, out);
  const transport = kind.server.transport;
  if (transport === undefined || transport === null) return;
  if (kind.stdio && transport !== 'stdio') out.push(`${at}.transport must be "stdio" for a command server`);
  if (!kind.stdio) oneOf(REMOTE_TRANSPORTS)(transport, `${at}.transport`, out);
}
