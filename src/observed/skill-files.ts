/** The files of one registry skill: a directory tree walked through in-registry symlinks, or one flat file. */
import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, sep } from 'node:path';
import { listDir } from './dir-listing.ts';
import { child, isIgnoredName } from './registry-entries.ts';
import { type ScanCtx, SkillInvalid } from './registry-scan-context.ts';
import type { Skill } from './registry-types.ts';

/** A file found by the walk, with the stat it was found with. */
export interface RawFile {
  rel: string;
  abs: string;
  st: Stats;
}

/** A directory the walk is in: its path, real path, path in the skill, and the real paths above it. */
interface WalkDir {
  dir: string;
  real: string;
  rel: string;
  ancestors: readonly string[];
}

/** Real path of a symlink, which must resolve and stay inside the registry. */
function resolveLink(ctx: ScanCtx, abs: string, what: string): string {
  let real: string;
  try {
    real = realpathSync.native(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') throw new SkillInvalid(`broken symlink: ${what}`);
    throw err;
  }
  if (real !== ctx.realRoot && !real.startsWith(ctx.realRoot + sep)) {
    throw new SkillInvalid(`symlink leads outside the registry: ${what}`);
  }
  return real;
}

/** Collect the regular files under a directory, following in-registry symlinks and refusing loops. */
function walkDir(ctx: ScanCtx, at: WalkDir, out: RawFile[]): void {
  const { names, kinds } = listDir(at.dir);
  for (let i = 0; i < names.length; i++) if (!isIgnoredName(names[i]!)) walkEntry(ctx, at, names[i]!, kinds[i]!, out);
}

function walkEntry(ctx: ScanCtx, at: WalkDir, name: string, kind: string, out: RawFile[]): void {
  const abs = child(at.dir, name);
  const rel = at.rel ? `${at.rel}/${name}` : name;
  let real = child(at.real, name);
  if (kind === 'l') real = resolveLink(ctx, abs, rel);
  else if (kind !== 'd' && kind !== 'f') return;
  const st = ctx.found?.path === abs ? ctx.found.st : statSync(abs);
  if (st.isFile()) out.push({ rel, abs, st });
  else if (st.isDirectory()) {
    if (at.ancestors.includes(real)) throw new SkillInvalid(`symlink loop: ${rel}`);
    walkDir(ctx, { dir: abs, real, rel, ancestors: [...at.ancestors, real] }, out);
  }
}

/** The files of a skill, sorted by rel: a directory tree, or a flat file copied as SKILL.md. */
export function listFiles(ctx: ScanCtx, kind: Skill['kind'], source: string): RawFile[] {
  const isLink = lstatSync(source).isSymbolicLink();
  const real = isLink ? resolveLink(ctx, source, basename(source)) : child(ctx.realRoot, basename(source));
  if (kind === 'flat') {
    const st = statSync(source);
    if (!st.isFile()) throw new SkillInvalid(`not a regular file: ${basename(source)}`);
    return [{ rel: 'SKILL.md', abs: source, st }];
  }
  const out: RawFile[] = [];
  walkDir(ctx, { dir: source, real, rel: '', ancestors: [real] }, out);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
