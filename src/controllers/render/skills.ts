/** The desired copy of a role's whitelisted skills (pure: registry index in, files out). */
import type { RegistryIndex } from '../../observed/registry-types.ts';
import type { DesiredFile } from '../artifacts.ts';

/** Skill files to copy, plus which whitelisted skills are invalid or missing. */
export interface SkillPlanInput {
  skills: readonly string[];
  index: RegistryIndex;
}

/** Result of rendering the skills part of a role. */
export interface RenderedSkills {
  files: DesiredFile[];
  /** `skills/<name>/` prefixes kept as they are (invalid skill: the last good copy stays). */
  keepPrefixes: string[];
  invalidSkills: string[];
  missingSkills: string[];
  /** name → registry digest of the skills copied. */
  digests: Record<string, string>;
}

/** Copy mode of a skill file: executables stay executable, nothing is group/world writable. */
export function skillFileMode(sourceMode: number): number {
  return sourceMode & 0o111 ? 0o755 : 0o644;
}

/** Map each whitelisted skill to `skills/<name>/<rel>` files. */
export function renderSkillFiles({ skills, index }: SkillPlanInput): RenderedSkills {
  const out: RenderedSkills = { files: [], keepPrefixes: [], invalidSkills: [], missingSkills: [], digests: {} };
  for (const name of [...new Set(skills)].sort()) {
    const skill = index.skills.get(name);
    if (!skill) {
      if (index.invalid.has(name)) {
        out.invalidSkills.push(name);
        out.keepPrefixes.push(`skills/${name}/`);
      } else out.missingSkills.push(name);
      continue;
    }
    out.digests[name] = skill.digest;
    for (const f of skill.files) {
      out.files.push({
        path: `skills/${name}/${f.rel}`,
        md5: f.md5,
        size: f.size,
        mode: skillFileMode(f.mode),
        source: { kind: 'copy', from: f.abs, stamp: f }, // the registry's file record is the stamp (no copy per role)
      });
    }
  }
  return out;
}
