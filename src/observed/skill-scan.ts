/**
 * The scan of one registry entry by name: find the directory skill `<name>/SKILL.md` and the flat
 * `<name>.md` files, decide which stands (or why none can), and build it.
 */
import { basename } from 'node:path';
import { TimeSlicer } from '../clock.ts';
import { SKILL_NAME_RE } from '../desired/schema.ts';
import { child, isIgnoredName, statOrNone } from './registry-entries.ts';
import type { ScanCtx } from './registry-scan-context.ts';
import { buildSkill, type SkillScan } from './skill-build.ts';

/** Every case of the `.md` extension, for locating a flat skill by name. */
const FLAT_EXTS = ['.md', '.mD', '.Md', '.MD'];

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
export function scanOne(ctx: ScanCtx, name: string): SkillScan {
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

/** Scan each name in turn, yielding to the event loop between skills every slice (TimeSlicer). */
export async function scanNames(ctx: ScanCtx, names: readonly string[]): Promise<SkillScan[]> {
  const out: SkillScan[] = [];
  const slicer = new TimeSlicer();
  for (const name of names) {
    if (slicer.due()) await slicer.pause();
    out.push(scanOne(ctx, name));
  }
  return out;
}
