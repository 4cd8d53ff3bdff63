/**
 * Skills registry scanner: the observed state of registry skills, with stat-keyed digests (DESIGN §5).
 *
 * The entry point; the parts, one concept each:
 * - registry-index.ts: the index of a full scan (or of a whitelist), and the scan of one skill by name;
 * - registry-refresh.ts: rescans and drops that keep the index in line with the whitelists;
 * - skill-scan.ts: one entry by name (directory or flat skill), time-sliced over many names;
 * - skill-build.ts: a located skill's files hashed into a Skill, SKILL.md validated;
 * - skill-files.ts: the walk of a skill's files; registry-scan-context.ts: what a scan carries;
 * - registry-entries.ts: ignored names and stat probes; registry-problem.ts: a registry not to trust.
 */

export { scanRegistry, scanSkill } from './registry-index.ts';
export { registryProblem } from './registry-problem.ts';
export { dropSkills, refreshSkills, retainIndexed } from './registry-refresh.ts';
export { type SkillScan, skillDigest } from './skill-build.ts';
