/** Read one generated file of a role as it is on disk (for display): never through a symlink, never a huge file. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ROLE_NAME_RE } from '../desired/schema.ts';

/** Largest file read for display; a bigger one is cut with a note. */
export const MAX_DISPLAY_BYTES = 512 * 1024;

/** Top-level files of a role directory that may be read for display. */
const READABLE = new Set(['config.toml', 'mcp.json']);

/**
 * The text of `<rolesDir>/<role>/<file>`, or undefined when it is missing, a symlink or not a regular file.
 * Throws for a role or file name that is not one of ours (nothing outside the role directory is read).
 */
export async function readRoleFileText(rolesDir: string, role: string, file: string): Promise<string | undefined> {
  if (!ROLE_NAME_RE.test(role) || !READABLE.has(file)) throw new Error(`not a readable role file: ${role}/${file}`);
  let handle;
  try {
    handle = await open(join(rolesDir, role, file), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(st.size, MAX_DISPLAY_BYTES));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    return st.size > MAX_DISPLAY_BYTES ? `${text}\n… (${st.size - MAX_DISPLAY_BYTES} more bytes not shown)\n` : text;
  } finally {
    await handle.close();
  }
}
