/**
 * The engine under each Kimi client's config.toml / mcp.json rules (kimi-config-rules.ts for kimi-cli,
 * kimi-code-config-rules.ts for Kimi Code). Both files have the same outline (top-level keys, providers, models
 * referring to them, the two moonshot services, mcpServers); a client states its own keys and per-key rules as
 * tables, and this walks a parsed file through them, so both clients word the same violation the same way.
 */
import { parse } from 'smol-toml';
import { isTable, type Rule, type Table } from './config-value-rules.ts';

/** Rules by key, applied in this order. */
export type Rules = Readonly<Record<string, Rule>>;

/** One kind of table: the keys the client knows, the rules of some of them, and rules over the whole table. */
export interface Section {
  keys: readonly string[];
  rules: Rules;
  /** Runs after the key rules. */
  check?(table: Table, at: string, out: string[]): void;
  /** Said in brackets after "unknown key X" (e.g. what the client reads instead). */
  note?(key: string): string | undefined;
}

/** One client's config.toml rules. */
export interface ConfigRules {
  /** How a TOML syntax error starts (the parser's first line follows). */
  invalidToml: string;
  top: Section;
  /** Follows "default_model must be a non-empty string". */
  noModel: string;
  provider: Section;
  /** A model's provider reference is checked before these rules. */
  model: Section;
  service: Section;
}

/** The only services either client reads from `[services]`. */
const SERVICE_NAMES = ['moonshot_search', 'moonshot_fetch'];

/** Violations of a client's config.toml rules in a TOML text. */
export function checkConfigToml(toml: string, rules: ConfigRules): string[] {
  let doc: Table;
  try {
    doc = parse(toml) as Table;
  } catch (err) {
    return [`${rules.invalidToml}: ${(err as Error).message.split('\n')[0]}`];
  }
  const out: string[] = [];
  checkTable(doc, '', rules.top, out);
  const providers = tableAt(doc, 'providers', out);
  const models = tableAt(doc, 'models', out);
  const model = doc.default_model;
  if (typeof model !== 'string' || model === '') out.push(`default_model must be a non-empty string${rules.noModel}`);
  else if (!Object.hasOwn(models, model)) out.push(`default_model "${model}" is not a key of models`);
  for (const [name, provider] of Object.entries(providers))
    section(rules.provider)(provider, `providers."${name}"`, out);
  const modelRules = { ...rules.model, rules: { provider: providerRef(providers), ...rules.model.rules } };
  for (const [alias, entry] of Object.entries(models)) section(modelRules)(entry, `models."${alias}"`, out);
  const services = tableAt(doc, 'services', out);
  unknownKeys(services, SERVICE_NAMES, 'services', out);
  for (const name of SERVICE_NAMES)
    if (services[name] !== undefined) section(rules.service)(services[name], `services.${name}`, out);
  return out;
}

/** Violations of an mcp.json text: `invalidJson` words a syntax error, `server` checks each mcpServers entry. */
export function checkMcpJsonText(
  text: string,
  invalidJson: (err: Error) => string,
  server: (value: unknown, at: string, out: string[]) => void,
): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [invalidJson(err as Error)];
  }
  if (!isTable(doc)) return ['top level must be an object'];
  if (!isTable(doc.mcpServers)) return ['mcpServers must be an object'];
  const out: string[] = [];
  for (const [name, value] of Object.entries(doc.mcpServers)) server(value, `mcpServers."${name}"`, out);
  return out;
}

/**
 * An mcpServers entry and which kind it is (a string `command`: stdio; a string `url`: remote), recording
 * when it is not an object or is neither or both kinds; undefined when it is not an object.
 */
export function mcpServerKind(
  value: unknown,
  at: string,
  out: string[],
): { server: Table; stdio: boolean; remote: boolean } | undefined {
  if (!isTable(value)) {
    out.push(`${at} must be an object`);
    return undefined;
  }
  const stdio = typeof value.command === 'string';
  const remote = typeof value.url === 'string';
  if (stdio === remote) out.push(`${at} needs exactly one of command (string) or url (string)`);
  return { server: value, stdio, remote };
}

/** A table checked against a section: "must be a table" (or `notTable`) when it is not one. */
export function section(s: Section, notTable = 'must be a table'): Rule {
  return (value, at, out) => {
    if (!isTable(value)) out.push(`${at} ${notTable}`);
    else checkTable(value, at, s, out);
  };
}

/** Unknown keys, then the key rules, then the whole-table rules of a section. */
function checkTable(table: Table, at: string, s: Section, out: string[]): void {
  unknownKeys(table, s.keys, at, out, s.note);
  applyRules(table, s.rules, at, out);
  s.check?.(table, at, out);
}

/** Apply each key's rule to its value. */
export function applyRules(table: Table, rules: Rules, at: string, out: string[]): void {
  for (const [key, rule] of Object.entries(rules)) rule(table[key], at ? `${at}.${key}` : key, out);
}

/** Record every key of `table` the client does not know at this level. */
export function unknownKeys(
  table: Table,
  known: readonly string[],
  at: string,
  out: string[],
  note?: (key: string) => string | undefined,
): void {
  for (const key of Object.keys(table)) {
    if (known.includes(key)) continue;
    const why = note?.(key);
    out.push(`unknown key ${at ? `${at}.` : ''}${key}${why ? ` (${why})` : ''}`);
  }
}

/** The table under `key`, or an empty one (recording a violation when present but not a table). */
function tableAt(doc: Table, key: string, out: string[]): Table {
  const value = doc[key];
  if (value === undefined) return {};
  if (isTable(value)) return value;
  out.push(`${key} must be a table`);
  return {};
}

/** A model's `provider`: a string naming a providers key. */
function providerRef(providers: Table): Rule {
  return (value, at, out) => {
    if (typeof value !== 'string') out.push(`${at} must be a string`);
    else if (!Object.hasOwn(providers, value)) out.push(`${at} "${value}" is not a key of providers`);
  };
}
