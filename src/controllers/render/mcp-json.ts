/** Pure renderer of a role's mcp.json (DESIGN §5, kimi-cli-format §3). */
import type { RoleSpec } from '../../desired/schema.ts';
import type { McpServer } from '../../observed/services.ts';

/** The rendered file and the whitelisted services the catalog does not list. */
export interface RenderedMcp {
  text: string;
  /** Sorted, deduplicated whitelisted names absent from the services catalog. */
  missingServices: string[];
  /** Sorted whitelisted services the target cannot express (left out: one bad entry would disable the file). */
  rejectedServices: string[];
}

/** A target's form of one entry; undefined leaves the service out. */
export type McpEntryTranslator = (server: McpServer) => Record<string, unknown> | undefined;

const WILDCARD = '*';
const REDACTED = '<redacted>';

/** Render `{"mcpServers": {...}}` for the role's whitelisted services (`["*"]` = every service), keys sorted. */
export function renderMcpJson(
  role: RoleSpec,
  services: Readonly<Record<string, McpServer>>,
  translate?: McpEntryTranslator,
): RenderedMcp {
  const has = (name: string) => Object.hasOwn(services, name);
  const named = role.mcp.filter((name) => name !== WILDCARD);
  const wanted = role.mcp.includes(WILDCARD) ? Object.keys(services) : named;
  const entries = wanted
    .filter(has)
    .map((name) => [name, translate ? translate(services[name]) : services[name]] as const);
  const servers = Object.fromEntries(entries.filter(([, entry]) => entry !== undefined));
  const rejected = entries.filter(([, entry]) => entry === undefined).map(([name]) => name);
  const missing = new Set(named.filter((name) => !has(name)));
  return {
    text: formatJson({ mcpServers: servers }),
    missingServices: [...missing].sort(),
    rejectedServices: [...new Set(rejected)].sort(),
  };
}

/**
 * Display copy of an mcp.json text: every env and headers value, any auth but "oauth", the credentials in a
 * `url` (userinfo, token-like query values) and any `args` value equal to a known secret become "<redacted>".
 */
export function redactMcpServers(text: string, secrets: readonly string[] = []): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return `${JSON.stringify({ error: 'not valid JSON; content hidden' }, null, 2)}\n`;
  }
  const servers = isRecord(doc) ? doc.mcpServers : undefined;
  if (isRecord(servers)) {
    for (const server of Object.values(servers)) if (isRecord(server)) redactServer(server, secrets);
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Replace the secret-bearing values of one server entry in place. */
function redactServer(server: Record<string, unknown>, secrets: readonly string[]): void {
  const known = new Set(secrets.filter((s) => s.length > 0));
  for (const field of ['env', 'headers']) {
    const values = server[field];
    if (isRecord(values)) {
      for (const key of Object.keys(values)) {
        if (typeof values[key] === 'string') known.add(values[key]);
        values[key] = REDACTED;
      }
    } else if (values !== undefined) server[field] = REDACTED;
  }
  if (server.auth !== undefined && server.auth !== 'oauth') server.auth = REDACTED;
  if (typeof server.url === 'string') server.url = redactUrl(server.url);
  if (Array.isArray(server.args))
    server.args = server.args.map((a) =>
      typeof a === 'string' && [...known].some((s) => a.includes(s)) ? REDACTED : a,
    );
}

/** Query parameter names that carry credentials. */
const SECRET_PARAM = /token|key|secret|passw|auth|sig|credential|session|code/i;
/** A query value that looks like a credential: long, of token characters, with both letters and digits. */
const TOKEN_LIKE = /^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9_\-.~+/=]{16,}$/;

/**
 * A URL with its userinfo and token-like query values replaced; an unparsable one is hidden whole when it could hold
 * any.
 */
function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return /[@?]/.test(url) ? REDACTED : url;
  }
  if (u.username) u.username = REDACTED;
  if (u.password) u.password = REDACTED;
  for (const [name, value] of [...u.searchParams]) {
    if (SECRET_PARAM.test(name) || TOKEN_LIKE.test(value)) u.searchParams.set(name, REDACTED);
  }
  return u.toString();
}

/** Pretty JSON with object keys sorted recursively (arrays keep their order) and one trailing newline. */
function formatJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** A deep copy with every object's keys in sorted order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/** True for a plain JSON object (not an array, not null). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
