/** A fingerprint of a whole directory tree: every path with its type, size, mode and mtime (ns), and each file's bytes. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One line per entry under `root` (sorted); equal fingerprints mean nothing was created, removed, written or touched. */
export function treeFingerprint(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const st = lstatSync(abs, { bigint: true });
      const kind = st.isDirectory()
        ? 'd'
        : st.isSymbolicLink()
          ? `l:${readlinkSync(abs)}`
          : st.isFile()
            ? `f:${createHash('md5').update(readFileSync(abs)).digest('hex')}`
            : 'o';
      lines.push(`${relative(root, abs)} ${kind} ${st.size} ${(st.mode & 0o7777n).toString(8)} ${st.mtimeNs}`);
      if (st.isDirectory()) walk(abs);
    }
  };
  walk(root);
  return lines;
}
