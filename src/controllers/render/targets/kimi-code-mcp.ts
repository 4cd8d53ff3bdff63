/**
 * mcp.json entries in the one shape Kimi Code accepts (kimi-code-format §7). Kimi Code validates the whole
 * file at once: a single entry it rejects (`"auth": "<token>"`, `"transport": "streamable-http"`, a bad URL)
 * silently drops every server of the file, so each catalog entry is translated, or left out and reported.
 */
import type { McpServer } from '../../../observed/services.ts';

/** Fields both kinds of server carry over unchanged when present. */
const COMMON = ['enabled', 'enabledTools', 'disabledTools'] as const;

/** The Kimi Code entry for a catalog server, or undefined when it cannot be expressed (reported, not written). */
export function toKimiCodeServer(server: McpServer): Record<string, unknown> | undefined {
  const src = server as Record<string, unknown>;
  const out: Record<string, unknown> = typeof src.command === 'string' ? stdioEntry(src) : (remoteEntry(src) ?? {});
  if (!Object.keys(out).length) return undefined;
  for (const key of COMMON) if (src[key] !== undefined) out[key] = src[key];
  // Claude's `disabled: true` has no effect in Kimi; its meaning is `enabled: false`.
  if (src.disabled === true && src.enabled === undefined) out.enabled = false;
  return out;
}

function stdioEntry(src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { transport: 'stdio', command: src.command };
  for (const key of ['args', 'env', 'cwd'] as const) if (src[key] !== undefined) out[key] = src[key];
  return out;
}

/** A remote entry: `streamable-http` is `http`; a bearer token in `auth` (kimi-cli's form) becomes a header. */
function remoteEntry(src: Record<string, unknown>): Record<string, unknown> | undefined {
  const url = typeof src.url === 'string' ? parseUrl(src.url) : undefined;
  if (!url) return undefined;
  const out: Record<string, unknown> = { transport: transportOf(src.transport, url), url: src.url };
  const headers = { ...(src.headers as Record<string, string> | undefined) };
  if (typeof src.auth === 'string' && src.auth !== 'oauth') {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.Authorization = `Bearer ${src.auth}`;
  } else if (src.auth === 'oauth') out.auth = 'oauth';
  if (Object.keys(headers).length) out.headers = headers;
  if (typeof src.bearerTokenEnvVar === 'string' && src.bearerTokenEnvVar !== '')
    out.bearerTokenEnvVar = src.bearerTokenEnvVar;
  return out;
}

/** kimi-cli's rule for an unset transport: SSE when the URL path has an `sse` segment, else streamable HTTP. */
function transportOf(transport: unknown, url: URL): 'http' | 'sse' {
  if (transport === 'sse') return 'sse';
  if (transport === 'http' || transport === 'streamable-http') return 'http';
  return url.pathname.split('/').includes('sse') ? 'sse' : 'http';
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
