/** Redaction of file text for display: known secret values anywhere, and the values of secret-looking keys. */
import { redactMcpServers } from '../../controllers/render/mcp-json.ts';

/** Keys whose value is a credential in config.toml (`api_key`, `custom_headers`, `*_token`...). */
const SECRET_KEY_LINE =
  /^(\s*"?[A-Za-z0-9_.-]*(?:api_key|apikey|key|token|secret|password|authorization|headers)"?\s*=\s*)(.+)$/i;

/**
 * A display copy of a role file: every occurrence of a known secret value becomes `<redacted:VAR>` (wherever
 * a hand edit put it, comments included), then TOML lines of secret-looking keys lose their value and mcp.json
 * its env/headers/auth values.
 */
export function redactFileText(path: string, text: string, secrets: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length >= 4) out = out.split(value).join(`<redacted:${name}>`);
  }
  if (path.endsWith('.json')) return redactMcpServers(out);
  return out
    .split('\n')
    .map((line) => {
      const m = SECRET_KEY_LINE.exec(line);
      if (!m || /^\s*#/.test(line)) return line;
      return /^"<redacted(:[A-Z0-9_]+)?>"\s*$/.test(m[2]!) || m[2]!.trim() === '""' ? line : `${m[1]}"<redacted>"`;
    })
    .join('\n');
}
