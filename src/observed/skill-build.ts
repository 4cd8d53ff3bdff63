/**
 * A located skill turned into a Skill record: its files hashed, SKILL.md validated, the digest over both.
 * Reads are only of files whose stamp changed (the DigestCache), and a skill found as the previous index
 * holds it keeps that very object, so what was derived from it can be reused.
 */
import { readFileSync } from 'node:fs';
import { md5Bytes, md5FileSync, type SkillMdRecord, sameStamp } from './digest.ts';
import { SKILL_MD_MAX, validateSkillMd } from './frontmatter.ts';
import { isNotFound } from './registry-entries.ts';
import { type ScanCtx, SkillInvalid } from './registry-scan-context.ts';
import type { InvalidSkill, Skill, SkillFile } from './registry-types.ts';
import { listFiles, type RawFile } from './skill-files.ts';

/** A rescan of one skill: a valid skill, an invalid one, both (a shadowed flat file), or neither (gone). */
export interface SkillScan {
  skill?: Skill;
  invalid?: InvalidSkill;
}

/**
 * Skill digest: md5 of the concatenation, over the files sorted by `rel`, of
 * `rel + '\0' + md5(bytes) + '\n'`; a digest of the (rel, bytes) pairs built from per-file md5s.
 */
export function skillDigest(files: readonly Pick<SkillFile, 'rel' | 'md5'>[]): string {
  return md5Bytes(files.map((f) => `${f.rel}\0${f.md5}\n`).join(''));
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
export function buildSkill(ctx: ScanCtx, name: string, kind: Skill['kind'], source: string): SkillScan {
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
