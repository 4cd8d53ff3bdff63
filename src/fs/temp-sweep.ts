/**
 * The sweep of temp files an interrupted write left behind. Only what hero_team provably created goes: the
 * names the write intent recorded before they were created, and top-level manifest temp files whose content
 * is a manifest of this role (the marker inside). A user's file or directory that merely looks like a temp
 * name is never touched.
 */
import { lstatSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { TEMP_FILE_RE } from './temp-names.ts';

/** Prefix of a staged skill directory's temp name (apply stages new skills whole, at the role directory's top). */
const STAGED_DIR_PREFIX = '.skill-';

/**
 * Remove the recorded temps under `root` (role-relative paths) and the top-level temp files of `markerFile`
 * that `isMarked` recognises by content; returns how many went. Nothing is removed through a symlink.
 */
export function sweepTemps(
  root: string,
  recorded: readonly string[],
  markerFile: string,
  isMarked: (text: string) => boolean,
): number {
  let removed = 0;
  for (const rel of recorded) if (removeRecorded(root, rel)) removed++;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  const prefix = `.${markerFile}.hero-tmp-`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !TEMP_FILE_RE.test(name)) continue;
    const abs = `${root}/${name}`;
    try {
      if (!lstatSync(abs).isFile() || !isMarked(readFileSync(abs, 'utf8'))) continue;
      unlinkSync(abs);
      removed++;
    } catch {
      // gone meanwhile, or unreadable: left alone
    }
  }
  return removed;
}

/** Remove one recorded temp: a file, or a staged skill directory at the top; never through a symlinked parent. */
function removeRecorded(root: string, rel: string): boolean {
  const name = basename(rel);
  if (!TEMP_FILE_RE.test(name)) return false;
  const parts = rel.split('/');
  try {
    for (let i = 1; i < parts.length; i++) {
      const st = lstatSync(`${root}/${parts.slice(0, i).join('/')}`, { throwIfNoEntry: false });
      if (!st?.isDirectory()) return false;
    }
    const abs = `${root}/${rel}`;
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return false;
    if (st.isFile()) unlinkSync(abs);
    else if (st.isDirectory() && parts.length === 1 && name.startsWith(STAGED_DIR_PREFIX))
      rmSync(abs, { recursive: true });
    else return false;
    return true;
  } catch {
    return false;
  }
}
