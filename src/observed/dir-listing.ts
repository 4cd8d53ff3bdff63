/** One directory's entries with their kinds, from a single readdir (no stat per entry). */
import { readdirSync } from 'node:fs';

/** A directory's entries as read: names, and one kind letter each (d, f, l, o). */
export interface Listing {
  names: string[];
  kinds: string;
}

/** The entries of `dir`. */
export function listDir(dir: string): Listing {
  const entries = readdirSync(dir, { withFileTypes: true });
  const kinds = entries
    .map((e) => (e.isDirectory() ? 'd' : e.isFile() ? 'f' : e.isSymbolicLink() ? 'l' : 'o'))
    .join('');
  return { names: entries.map((e) => e.name), kinds };
}
