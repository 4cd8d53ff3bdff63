/** Skills registry scanner: the observed state of registry skills, with stat-keyed digests (DESIGN §5). */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import PQueue from 'p-queue';
import { SKILL_NAME_RE } from '../desired/schema.ts';
import { type DigestCache, md5Bytes } from './digest.ts';
import { type SkillMdVerdict, validateSkillMd } from './frontmatter.ts';
import type { InvalidSkill, RegistryIndex, Skill, SkillFile } from './registry-types.ts';

/** Bound on concurrent skills per scan, and on concurrent filesystem calls per scan. */
const CONCURRENCY = 64;
/** Every case of the `.md` extension, for locating a flat skill by name. */
const FLAT_EXTS = ['.md', '.mD', '.Md', '.MD'];

/** A rescan of one skill: a valid skill, an invalid one, both (a shadowed flat file), or neither (gone). */
export interface SkillScan {
  skill?: Skill;
  invalid?: InvalidSkill;
}

/**
 * One scan: `io` bounds filesystem calls, `skills` bounds skills in flight (tasks never wait on their own
 * queue); `listing`, the root's entry names in a full scan, spares stats of paths known not to exist.
 */
interface ScanCtx { root: string; realRoot: string; cache: DigestCache; io: PQueue; skills: PQueue; listing?: Set<string> }
interface RawFile { rel: string; abs: string; st: Stats }
interface WalkDir { dir: string; real: string; rel: string; ancestors: ReadonlySet<string> }
/** Validated SKILL.md, remembered per file while its size and mtime match. */
type SkillMdCheck = { size: number; mtimeMs: number; md5: string } & SkillMdVerdict;

/** Aborts the scan of one skill with the reason it is invalid. */
class SkillInvalid extends Error {}

/** SKILL.md checks share the lifetime of the caller's DigestCache, so SKILL.md is read once per change, not twice. */
const skillMdChecks = new WeakMap<DigestCache, Map<string, SkillMdCheck>>();

/** Registry entries that are never skills nor skill files: dotfiles, node_modules, editor temp files. */
function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name.endsWith('~') || name.endsWith('.swp') || name.includes('.tmp');
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
async function openScan(root: string, cache: DigestCache): Promise<ScanCtx | null> {
  try {
    if (!(await stat(root)).isDirectory()) return null;
    return { root, realRoot: await realpath(root), cache, io: new PQueue({ concurrency: CONCURRENCY }), skills: new PQueue({ concurrency: CONCURRENCY }) };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Real path of a symlink, which must resolve and stay inside the registry. */
async function resolveLink(ctx: ScanCtx, abs: string, what: string): Promise<string> {
  let real: string;
  try {
    real = await ctx.io.add(() => realpath(abs));
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
async function walkDir(ctx: ScanCtx, at: WalkDir, out: RawFile[]): Promise<void> {
  const entries = await ctx.io.add(() => readdir(at.dir, { withFileTypes: true }));
  await Promise.all(entries.filter((e) => !isIgnoredName(e.name)).map((e) => walkEntry(ctx, at, e, out)));
}

async function walkEntry(ctx: ScanCtx, at: WalkDir, entry: Dirent, out: RawFile[]): Promise<void> {
  const abs = join(at.dir, entry.name);
  const rel = at.rel ? `${at.rel}/${entry.name}` : entry.name;
  let real = join(at.real, entry.name);
  if (entry.isSymbolicLink()) real = await resolveLink(ctx, abs, rel);
  else if (!entry.isDirectory() && !entry.isFile()) return;
  const st = await ctx.io.add(() => stat(abs));
  if (st.isFile()) out.push({ rel, abs, st });
  else if (st.isDirectory()) {
    if (at.ancestors.has(real)) throw new SkillInvalid(`symlink loop: ${rel}`);
    await walkDir(ctx, { dir: abs, real, rel, ancestors: new Set([...at.ancestors, real]) }, out);
  }
}

/** The files of a skill, sorted by rel: a directory tree, or a flat file copied as SKILL.md. */
async function listFiles(ctx: ScanCtx, kind: Skill['kind'], source: string): Promise<RawFile[]> {
  const isLink = (await ctx.io.add(() => lstat(source))).isSymbolicLink();
  const real = isLink ? await resolveLink(ctx, source, basename(source)) : join(ctx.realRoot, basename(source));
  if (kind === 'flat') {
    const st = await ctx.io.add(() => stat(source));
    if (!st.isFile()) throw new SkillInvalid(`not a regular file: ${basename(source)}`);
    return [{ rel: 'SKILL.md', abs: source, st }];
  }
  const out: RawFile[] = [];
  await walkDir(ctx, { dir: source, real, rel: '', ancestors: new Set([real]) }, out);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Validate SKILL.md and hash it from the same read; unchanged (size, mtime) files are not read again. */
async function checkSkillMd(ctx: ScanCtx, file: RawFile): Promise<SkillMdCheck> {
  let memo = skillMdChecks.get(ctx.cache);
  if (!memo) skillMdChecks.set(ctx.cache, (memo = new Map()));
  const hit = memo.get(file.abs);
  if (hit && hit.size === file.st.size && hit.mtimeMs === file.st.mtimeMs) return hit;
  const bytes = await ctx.io.add(() => readFile(file.abs));
  const check = { size: file.st.size, mtimeMs: file.st.mtimeMs, md5: md5Bytes(bytes), ...validateSkillMd(bytes) };
  if (bytes.length === file.st.size) memo.set(file.abs, check);
  return check;
}

/** Scan one located skill into a Skill, or an InvalidSkill with the reason. */
async function buildSkill(ctx: ScanCtx, name: string, kind: Skill['kind'], source: string): Promise<SkillScan> {
  try {
    const raw = await listFiles(ctx, kind, source);
    const skillMd = raw.find((f) => f.rel === 'SKILL.md');
    if (!skillMd) return {};
    const check = await checkSkillMd(ctx, skillMd);
    if (!check.ok) throw new SkillInvalid(check.reason);
    const files = await Promise.all(
      raw.map(async ({ rel, abs, st }): Promise<SkillFile> => {
        const md5 = abs === skillMd.abs ? check.md5 : await ctx.io.add(() => ctx.cache.digest(abs, st.size, st.mtimeMs));
        return { rel, abs, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o777, md5 };
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

/** `<root>/<name>/` when it is a directory (symlinks followed) holding a file named exactly SKILL.md. */
async function findDirSkill(ctx: ScanCtx, name: string): Promise<string | null> {
  const dir = join(ctx.root, name);
  if (ctx.listing && !ctx.listing.has(name)) return null;
  const isDir = await ctx.io.add(() => stat(dir)).then((s) => s.isDirectory(), () => false);
  const hasSkillMd = isDir && (await ctx.io.add(() => stat(join(dir, 'SKILL.md'))).then((s) => s.isFile(), () => false));
  return hasSkillMd ? dir : null;
}

/** The flat `<root>/<name>.md` files (any case of `.md`, not directories), one per inode. */
async function findFlatSkills(ctx: ScanCtx, name: string): Promise<string[]> {
  if (name.toLowerCase() === 'skill') return [];
  const exts = ctx.listing ? FLAT_EXTS.filter((ext) => ctx.listing!.has(name + ext)) : FLAT_EXTS;
  const found = await Promise.all(
    exts.map(async (ext) => {
      const path = join(ctx.root, name + ext);
      const link = await ctx.io.add(() => lstat(path)).catch(() => null);
      const target = link?.isSymbolicLink() ? await ctx.io.add(() => stat(path)).catch(() => null) : link;
      return link && !target?.isDirectory() ? { path, id: `${link.dev}:${target?.ino ?? link.ino}` } : null;
    }),
  );
  const byId = new Map(found.flatMap((f) => (f ? [[f.id, f.path] as const] : [])));
  return [...byId.values()];
}

/** Locate and scan the registry entries that the name `name` stands for. */
async function scanOne(ctx: ScanCtx, name: string): Promise<SkillScan> {
  if (name === '' || name.includes('/') || name.includes('\0') || isIgnoredName(name)) return {};
  const [dir, flats] = await Promise.all([findDirSkill(ctx, name), findFlatSkills(ctx, name)]);
  const source = dir ?? flats[0];
  if (source === undefined) return {};
  if (!SKILL_NAME_RE.test(name)) {
    return { invalid: { name, source, reason: `name ${JSON.stringify(name)} does not match ${SKILL_NAME_RE.source}` } };
  }
  if (dir === null && flats.length > 1) {
    return { invalid: { name, source, reason: `ambiguous flat skill: ${flats.map((f) => basename(f)).join(', ')}` } };
  }
  if (dir === null) return buildSkill(ctx, name, 'flat', source);
  const result = await buildSkill(ctx, name, 'dir', dir);
  if (result.skill && flats.length > 0) {
    result.invalid = { name, source: flats[0], reason: `${basename(flats[0])} is shadowed by directory skill ${name}/` };
  }
  return result;
}

/** Names a full scan must look at: directory entries by name, `.md` files by stem. */
async function listCandidates(ctx: ScanCtx): Promise<string[]> {
  const names = new Set<string>();
  const entries = await readdir(ctx.root, { withFileTypes: true });
  ctx.listing = new Set(entries.map((e) => e.name));
  for (const e of entries) {
    if (isIgnoredName(e.name)) continue;
    if (e.isDirectory() || e.isSymbolicLink()) names.add(e.name);
    if (!e.isDirectory() && /\.md$/i.test(e.name) && e.name.toLowerCase() !== 'skill.md') names.add(e.name.slice(0, -3));
  }
  return [...names].sort();
}

function storeScan(index: RegistryIndex, name: string, scan: SkillScan): void {
  index.skills.delete(name);
  index.invalid.delete(name);
  if (scan.skill) index.skills.set(name, scan.skill);
  if (scan.invalid) index.invalid.set(name, scan.invalid);
}

/** Drop cached digests for a path (a file, or a whole skill directory). */
function forgetPath(cache: DigestCache, prefix: string): void {
  cache.forgetPrefix(prefix);
  const memo = skillMdChecks.get(cache);
  if (memo) for (const key of memo.keys()) if (key === prefix || key.startsWith(prefix + sep)) memo.delete(key);
}

/** Full scan of the registry at `root`; a missing root gives an empty index with `exists: false`. */
export async function scanRegistry(root: string, cache: DigestCache): Promise<RegistryIndex> {
  const index: RegistryIndex = { root: resolve(root), exists: false, skills: new Map(), invalid: new Map() };
  const ctx = await openScan(index.root, cache);
  if (!ctx) return index;
  index.exists = true;
  const names = await listCandidates(ctx);
  const scans = await Promise.all(names.map((name) => ctx.skills.add(() => scanOne(ctx, name))));
  names.forEach((name, i) => storeScan(index, name, scans[i]));
  return index;
}

/** Rescan one skill by registry name (cheap: stats, and reads only files whose stat changed). */
export async function scanSkill(root: string, name: string, cache: DigestCache): Promise<SkillScan> {
  const ctx = await openScan(resolve(root), cache);
  return ctx ? scanOne(ctx, name) : {};
}

/** Rescan the named skills and update `index` in place, forgetting cached digests of removed files. */
export async function refreshSkills(index: RegistryIndex, names: Iterable<string>, cache: DigestCache): Promise<void> {
  const unique = [...new Set(names)];
  const ctx = await openScan(index.root, cache);
  index.exists = ctx !== null;
  const scans = ctx ? await Promise.all(unique.map((name) => ctx.skills.add(() => scanOne(ctx, name)))) : unique.map((): SkillScan => ({}));
  unique.forEach((name, i) => {
    const kept = new Set(scans[i].skill?.files.map((f) => f.abs));
    for (const f of index.skills.get(name)?.files ?? []) if (!kept.has(f.abs)) forgetPath(cache, f.abs);
    if (!scans[i].skill && !scans[i].invalid) {
      for (const gone of [index.skills.get(name)?.source, index.invalid.get(name)?.source]) if (gone) forgetPath(cache, gone);
    }
    storeScan(index, name, scans[i]);
  });
}
