/** The MCP services catalog: HERO_TEAM_HOME/services.json, `{"services": {"<name>": <mcpServers entry>}}`. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SourceError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { cleanJsonMessage, jsonErrorPosition } from '../fs/json-errors.ts';

const StdioServer = z.looseObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
const RemoteServer = z.looseObject({
  url: z.string().min(1),
  transport: z.enum(['http', 'streamable-http', 'sse']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  auth: z.string().optional(),
});

/** One entry of Kimi's `mcpServers` map (stdio or remote), as fastmcp accepts it. */
export const McpServerSchema = z.union([StdioServer, RemoteServer]);
export type McpServer = z.output<typeof McpServerSchema>;

/** The services.json file. */
export const ServicesFileSchema = z.strictObject({
  services: z.record(z.string().min(1), McpServerSchema).default({}),
});

/** Services in force, with the file's state. */
export interface ServicesCatalog {
  services: Record<string, McpServer>;
  /** False when services.json does not exist (no services). */
  exists: boolean;
}

/** Read and validate services.json; a missing file is an empty catalog, an invalid one throws SourceError. */
export async function readServices(path: string): Promise<ServicesCatalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { services: {}, exists: false };
    throw new SourceError(path, (err as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // Only the position: V8's message quotes the source around the error, which may be a token.
    const message = (err as Error).message;
    const at = jsonErrorPosition(message, text);
    throw new SourceError(
      path,
      `not valid JSON${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${cleanJsonMessage(message)}`,
    );
  }
  const parsed = ServicesFileSchema.safeParse(raw);
  if (!parsed.success) throw new SourceError(path, z.prettifyError(parsed.error).replace(/\n/g, '; '));
  return { services: parsed.data.services, exists: true };
}

/** The last valid services catalog, saved beside services.json (0600: entries may hold tokens). */
export class LastGoodServices {
  private savedText: string | undefined;

  constructor(private readonly path: string) {}

  /** Save `services` unless the file already holds exactly them. */
  async save(services: Record<string, McpServer>): Promise<void> {
    const text = `${JSON.stringify({ services }, null, 2)}\n`;
    this.savedText ??= await readFile(this.path, 'utf8').catch(() => '');
    if (text === this.savedText) return;
    await writeFileAtomic(this.path, text, 0o600);
    this.savedText = text;
  }

  /** The saved catalog; undefined when there is none or it is unreadable. */
  async load(): Promise<Record<string, McpServer> | undefined> {
    try {
      const read = await readServices(this.path);
      return read.exists ? read.services : undefined;
    } catch {
      return undefined;
    }
  }
}
