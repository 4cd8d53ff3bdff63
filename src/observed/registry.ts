/**
 * Skills registry scanner: the observed state of registry skills, with stat-keyed digests (DESIGN §5).
 *
 * Filesystem calls are synchronous, one skill at a time, and a scan yields to the event loop every
 * SLICE_MS: a scan is a long run of stat/readdir calls on small, local files, where a promise-based call
 * costs many times the syscall itself (thread-pool round trip, promise, queue), paid on every reconcile.
 * Reads are only of files whose (size, mtime) changed.
 */

import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import { TimeSlicer } from '../clock.ts';
import { SKILL_NAME_RE } from '../desired/schema.ts';
import { type DigestCache, isRacy, isUnder, md5Bytes, md5FileSync, type SkillMdRecord, sameStamp } from './digest.ts';
import { forgetListings, listDir } from './dir-listing.ts';
import { SKILL_MD_MAX, validateSkillMd } from './frontmatter.ts';
import type { InvalidSkill, RegistryIndex, Skill, SkillFile } from './registry-types.ts';
import type { ScanFreshness } from './scan-freshness.ts';

/** Longest stretch a scan runs before yielding to the event loop. */
const SLICE_MS = 10;
/** Every case of the `.md` extension, for locating a flat skill by name. */
const FLAT_EXTS = ['.md', '.mD', '.Md', '.MD'];

/** A rescan of one skill: a valid skill, an invalid one, both (a shadowed flat file), or neither (gone). */
export interface SkillScan {
  skill?: Skill;
  invalid?: InvalidSkill;
}

/**
 * One scan; `listing`, the root's entry names when known, spares stats of paths known not to exist;
 * `previous`, the index being refreshed, whose unchanged skills are kept as they are; `found`, the stat
 * findDirSkill took of a SKILL.md, so the walk does not take it again.
 */
interface ScanCtx {
  root: string;
  realRoot: string;
  rootStat: Stats;
  cache: DigestCache;
  listing?: Set<string>;
  previous?: ReadonlyMap<string, Skill>;
  found?: { path: string; st: Stats };
}
interface RawFile {
  rel: string;
  abs: string;
  st: Stats;
}
interface WalkDir {
  dir: string;
  real: string;
  rel: string;
  ancestors: readonly string[];
}

/** Aborts the scan of one skill with the reason it is invalid. */
class SkillInvalid extends Error {}

/** The root's entry names when a cached (or cacheable) listing has them; undefined means probe each name. */
function rootNames(ctx: ScanCtx): Set<string> | undefined {
  if (isRacy(ctx.rootStat)) return undefined; // changing now: a few stats beat re-reading a large root
  const listing = listDir(ctx.cache, ctx.root, ctx.rootStat);
  return (listing.set ??= new Set(listing.names));
}

/** Registry entries that are never skills nor skill files: dotfiles, node_modules, editor temp files. */
function isIgnoredName(name: string): boolean {
  // The same editor files the watchers ignore (watchers.ts): a copied file must be one whose events are seen.
  return (
    name.startsWith('.') ||
    name === 'node_modules' ||
    name.endsWith('~') ||
    name.endsWith('.swp') ||
    name.endsWith('.swx') ||
    name.includes('.tmp')
  );
}

/** `dir/name` for a normalized absolute `dir` and a bare entry name (path.join's normalization is not needed here, and it was a large share of a scan's garbage). */
function child(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Skill digest: md5 of the concatenation, over the files sorted by `rel`, of
 * `rel + '\0' + md5(bytes) + '\n'`; a digest of the (rel, bytes) pairs built from per-file md5s.
 */
export function skillDigest(files: readonly Pick<SkillFile, 'rel' | 'md5'>[]): string {
  return md5Bytes(files.map((f) => `${f.rel}\0${f.md5}\n`).join(''));
}

/** Scan context for an existing registry directory, or null when it does not exist. */
function openScan(root: string, cache: DigestCache): ScanCtx | null {
  try {
    const rootStat = statSync(root);
    if (!rootStat.isDirectory()) return null;
    return { root, realRoot: realpathSync.native(root), rootStat, cache };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Scan each name in turn, yielding to the event loop between skills every SLICE_MS. */
async function scanNames(ctx: ScanCtx, names: readonly string[]): Promise<SkillScan[]> {
  const out: SkillScan[] = [];
  const slicer = new TimeSlicer(SLICE_MS);
  for (const name of names) {
    if (slicer.due()) await slicer.pause();
    out.push(scanOne(ctx, name));
  }
  return out;
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

/** Collect the regular files under a directory (`st`: its stat), following in-registry symlinks and refusing loops. */
function walkDir(ctx: ScanCtx, at: WalkDir, st: Stats, out: RawFile[]): void {
  const { names, kinds } = listDir(ctx.cache, at.dir, st);
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
    walkDir(ctx, { dir: abs, real, rel, ancestors: [...at.ancestors, real] }, st, out);
  }
}

/** The files of a skill, sorted by rel: a directory tree, or a flat file copied as SKILL.md. */
function listFiles(ctx: ScanCtx, kind: Skill['kind'], source: string): RawFile[] {
  const own = lstatSync(source);
  const isLink = own.isSymbolicLink();
  const real = isLink ? resolveLink(ctx, source, basename(source)) : child(ctx.realRoot, basename(source));
  if (kind === 'flat') {
    const st = statSync(source);
    if (!st.isFile()) throw new SkillInvalid(`not a regular file: ${basename(source)}`);
    return [{ rel: 'SKILL.md', abs: source, st }];
  }
  const out: RawFile[] = [];
  walkDir(ctx, { dir: source, real, rel: '', ancestors: [real] }, isLink ? statSync(source) : own, out);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Validate SKILL.md and hash it from the same read; a file whose stamp is unchanged is not read again. */
function checkSkillMd(ctx: ScanCtx, file: RawFile): SkillMdRecord {
  const hit = ctx.cache.skillMds.get(file.abs, file.st);
  if (hit) return hit;
  if (file.st.size > SKILL_MD_MAX) {
    const check: SkillMdRecord = {
      md5: md5FileSync(file.abs, file.st.size),
      ok: false,
      reason: `SKILL.md is larger than ${SKILL_MD_MAX >> 20} MiB`,
    };
    ctx.cache.skillMds.set(file.abs, file.st, check);
    return check;
  }
  const bytes = readFileSync(file.abs);
  const check: SkillMdRecord = { md5: md5Bytes(bytes), ...validateSkillMd(bytes) };
  if (bytes.length === file.st.size) ctx.cache.skillMds.set(file.abs, file.st, check);
  return check;
}

/** Scan one located skill into a Skill, or an InvalidSkill with the reason. */
function buildSkill(ctx: ScanCtx, name: string, kind: Skill['kind'], source: string): SkillScan {
  try {
    const raw = listFiles(ctx, kind, source);
    const skillMd = raw.find((f) => f.rel === 'SKILL.md');
    if (!skillMd) return {};
    const check = checkSkillMd(ctx, skillMd);
    if (!check.ok) throw new SkillInvalid(check.reason);
    const md5s = raw.map(({ abs, st }) => (abs === skillMd.abs ? check.md5 : ctx.cache.digestSync(abs, st)));
    const prev = ctx.previous?.get(name);
    if (prev && sameSkill(prev, kind, source, raw, md5s, check.description)) return { skill: prev };
    const files = raw.map(
      ({ rel, abs, st }, i): SkillFile => ({
        rel,
        abs,
        size: st.size,
        mtimeMs: st.mtimeMs,
        ino: st.ino,
        ctimeMs: st.ctimeMs,
        mode: st.mode & 0o777,
        md5: md5s[i]!,
      }),
    );
    const skill: Skill = { name, kind, source, files, digest: skillDigest(files) };
    if (check.description !== undefined) skill.description = check.description;
    return { skill };
  } catch (err) {
    if (err instanceof SkillInvalid) return { invalid: { name, source, reason: err.message } };
    if (isNotFound(err)) return {};
    return { invalid: { name, source, reason: `cannot read skill: ${(err as Error).message}` } };
  }
}

/** True when a rescan found exactly what `prev` holds (so the same object, digest included, stands). */
function sameSkill(
  prev: Skill,
  kind: Skill['kind'],
  source: string,
  raw: readonly RawFile[],
  md5s: readonly string[],
  description: string | undefined,
): boolean {
  if (
    prev.kind !== kind ||
    prev.source !== source ||
    prev.description !== description ||
    prev.files.length !== raw.length
  )
    return false;
  return raw.every(({ rel, abs, st }, i) => {
    const f = prev.files[i]!;
    return f.rel === rel && f.abs === abs && sameStamp(f, st) && f.mode === (st.mode & 0o777) && f.md5 === md5s[i];
  });
}

/** stat/lstat that gives undefined for any error (missing, not a directory, a loop, no permission). */
function statOrNone(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path, { throwIfNoEntry: false }) : lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** `<root>/<name>/` when it is a directory (symlinks followed) holding a file named exactly SKILL.md. */
function findDirSkill(ctx: ScanCtx, name: string): string | null {
  if (ctx.listing && !ctx.listing.has(name)) return null;
  const dir = child(ctx.root, name);
  // A stat of <dir>/SKILL.md succeeds only when <dir> resolves to a directory: one call answers both.
  const path = `${dir}/SKILL.md`;
  const st = statOrNone(path, true);
  if (!st?.isFile()) return null;
  ctx.found = { path, st };
  return dir;
}

/** The flat `<root>/<name>.md` files (any case of `.md`, not directories), one per inode. */
function findFlatSkills(ctx: ScanCtx, name: string): string[] {
  if (name.toLowerCase() === 'skill') return [];
  const exts = ctx.listing ? FLAT_EXTS.filter((ext) => ctx.listing!.has(name + ext)) : FLAT_EXTS;
  const byId = new Map<string, string>();
  for (const ext of exts) {
    const path = child(ctx.root, name + ext);
    const link = statOrNone(path, false);
    const target = link?.isSymbolicLink() ? statOrNone(path, true) : link;
    if (link && !target?.isDirectory()) {
      const id = `${link.dev}:${target?.ino ?? link.ino}`;
      if (!byId.has(id)) byId.set(id, path);
    }
  }
  return [...byId.values()];
}

/** Locate and scan the registry entries that the name `name` stands for. */
function scanOne(ctx: ScanCtx, name: string): SkillScan {
  if (name === '' || name.includes('/') || name.includes('\0') || isIgnoredName(name)) return {};
  const dir = findDirSkill(ctx, name);
  const flats = findFlatSkills(ctx, name);
  const source = dir ?? flats[0];
  if (source === undefined) return {};
  if (!SKILL_NAME_RE.test(name)) {
    return { invalid: { name, source, reason: `name ${JSON.stringify(name)} does not match ${SKILL_NAME_RE.source}` } };
  }
  if (dir === null && flats.length > 1) {
    return { invalid: { name, source, reason: `ambiguous flat skill: ${flats.map((f) => basename(f)).join(', ')}` } };
  }
  if (dir === null) return buildSkill(ctx, name, 'flat', source);
  const result = buildSkill(ctx, name, 'dir', dir);
  if (result.skill && flats.length > 0) {
    result.invalid = {
      name,
      source: flats[0],
      reason: `${basename(flats[0])} is shadowed by directory skill ${name}/`,
    };
  }
  return result;
}

/** Names a full scan must look at: directory entries by name, `.md` files by stem; with `only`, just those names. */
function listCandidates(ctx: ScanCtx, only?: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  const listing = listDir(ctx.cache, ctx.root, ctx.rootStat);
  ctx.listing = listing.set ??= new Set(listing.names);
  listing.names.forEach((name, i) => {
    if (isIgnoredName(name)) return;
    const kind = listing.kinds[i];
    if (kind === 'd' || kind === 'l') names.add(name);
    if (kind !== 'd' && /\.md$/i.test(name) && name.toLowerCase() !== 'skill.md') names.add(name.slice(0, -3));
  });
  return [...names].filter((name) => !only || only.has(name)).sort();
}

function storeScan(index: RegistryIndex, name: string, scan: SkillScan): void {
  index.skills.delete(name);
  index.invalid.delete(name);
  if (scan.skill) index.skills.set(name, scan.skill);
  if (scan.invalid) index.invalid.set(name, scan.invalid);
}

/** Drop cached digests and listings at or under the paths (a file, whole skill directories). */
function forgetPath(cache: DigestCache, prefix: string | ReadonlySet<string>): void {
  const paths = typeof prefix === 'string' ? new Set([prefix]) : prefix;
  if (!paths.size) return;
  const drop = (path: string) => isUnder(path, paths);
  cache.forgetIf(drop);
  forgetListings(cache, drop);
}

/**
 * Keep only the cached digests and listings of `index`'s skills (and the root's listing): what a digest cache
 * saved by an earlier process, or skills that left scope, brought in is not kept in memory for nothing.
 */
export function retainIndexed(index: RegistryIndex, cache: DigestCache): void {
  const keep = new Set<string>();
  for (const entry of [...index.skills.values(), ...index.invalid.values()]) keep.add(entry.source);
  const drop = (path: string) => !isUnder(path, keep);
  cache.forgetIf(drop);
  forgetListings(cache, (dir) => dir !== index.root && drop(dir));
}

/**
 * Full scan of the registry at `root`; a missing root gives an empty index with `exists: false`. Skills of
 * `previous` that are found unchanged keep their objects (so what was derived from them can be reused).
 * `only`: the names to index (the skills some role whitelists); the others are not read at all.
 */
export async function scanRegistry(
  root: string,
  cache: DigestCache,
  previous?: RegistryIndex,
  only?: ReadonlySet<string>,
): Promise<RegistryIndex> {
  const index: RegistryIndex = { root: resolve(root), exists: false, skills: new Map(), invalid: new Map() };
  const ctx = openScan(index.root, cache);
  if (!ctx) return index;
  if (previous?.root === index.root) ctx.previous = previous.skills;
  index.exists = true;
  const names = listCandidates(ctx, only);
  const scans = await scanNames(ctx, names);
  for (const [i, name] of names.entries()) storeScan(index, name, scans[i]);
  return index;
}

/** Rescan one skill by registry name (cheap: stats, and reads only files whose stat changed). */
export async function scanSkill(root: string, name: string, cache: DigestCache): Promise<SkillScan> {
  const ctx = openScan(resolve(root), cache);
  if (ctx) ctx.listing = rootNames(ctx);
  return ctx ? scanOne(ctx, name) : {};
}

/**
 * Rescan the named skills and update the index in place, forgetting cached digests of removed files. `at`: the
 * index, or the holder of the index in force (RegistryState), read again when the rescan is done, so a full scan
 * that replaced the index meanwhile does not lose what this rescan found. With `freshness`, skills another
 * reader rescanned moments ago with no change signalled since are not rescanned.
 */
export async function refreshSkills(
  at: RegistryIndex | { readonly index: RegistryIndex },
  names: Iterable<string>,
  cache: DigestCache,
  freshness?: ScanFreshness,
): Promise<void> {
  const current = (): RegistryIndex => ('skills' in at ? at : at.index);
  const all = [...new Set(names)];
  const unique = freshness ? all.filter((name) => !freshness.isFresh(name)) : all;
  if (all.length && !unique.length) return;
  const startedAt = freshness?.begin() ?? 0;
  const ctx = openScan(current().root, cache);
  if (ctx) {
    ctx.listing = rootNames(ctx);
    ctx.previous = current().skills;
  }
  const scans = ctx ? await scanNames(ctx, unique) : unique.map((): SkillScan => ({}));
  const index = current();
  index.exists = ctx !== null;
  const gone = new Set<string>();
  unique.forEach((name, i) => {
    const kept = new Set(scans[i].skill?.files.map((f) => f.abs));
    for (const f of index.skills.get(name)?.files ?? []) if (!kept.has(f.abs)) gone.add(f.abs);
    if (!scans[i].skill && !scans[i].invalid) for (const source of sourcesOf(index, name)) gone.add(source);
    storeScan(index, name, scans[i]);
  });
  forgetPath(cache, gone); // one pass over the cache for every removed file
  freshness?.record(unique, startedAt);
}

/** Take skills out of the index (no role whitelists them any more), with their cached digests and listings. */
export function dropSkills(index: RegistryIndex, names: Iterable<string>, cache: DigestCache): void {
  const sources = new Set<string>();
  for (const name of names) {
    for (const source of sourcesOf(index, name)) sources.add(source);
    index.skills.delete(name);
    index.invalid.delete(name);
  }
  forgetPath(cache, sources);
}

/** Where the index's entries for a name (a valid skill, an invalid one, or both) come from. */
function sourcesOf(index: RegistryIndex, name: string): string[] {
  return [index.skills.get(name)?.source, index.invalid.get(name)?.source].filter((source) => source !== undefined);
}

/**
 * Why the registry at `root` cannot be trusted to say that a skill is gone: it is missing, not a directory,
 * unreadable, or holds no skill at all (a re-clone half done, an unmounted disk). Undefined when it holds at
 * least one skill. Reads the root listing and stops at the first skill found; called only when skills are missing.
 */
export function registryProblem(root: string): string | undefined {
  let names: Dirent[];
  try {
    const st = statSync(root, { throwIfNoEntry: false });
    if (!st) return `the skills registry ${root} is missing`;
    if (!st.isDirectory()) return `the skills registry ${root} is not a directory`;
    names = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    return `the skills registry ${root} is unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  for (const e of names) {
    if (isIgnoredName(e.name)) continue;
    if (/\.md$/i.test(e.name) && !e.isDirectory()) return undefined;
    if ((e.isDirectory() || e.isSymbolicLink()) && statOrNone(child(root, `${e.name}/SKILL.md`), true)?.isFile())
      return undefined;
  }
  return `the skills registry ${root} holds no skill`;
}
