/** Benchmark trees under os.tmpdir(): a registry of K skills, a store of R roles × S skills, empty roles dir. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shape of a generated fixture. */
export interface FixtureSpec {
  roles: number;
  skillsPerRole: number;
  registrySkills: number;
  /** Bytes of each of the three files of a skill (about 4 KB). */
  fileBytes?: number;
  /** Roles (the first N) that also whitelist the extra `hot` skill (propagation target). */
  hotRoles?: number;
  /** Daemon/CLI environment overrides (debounce, log level...). */
  env?: Record<string, string>;
}

/** A generated tree with every root hero_team uses, pointed at by `env`. */
export interface Fixture {
  root: string;
  skillsDir: string;
  rolesDir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  roles: { name: string; skills: string[] }[];
  /** The skill whitelisted by exactly `hotRoles` roles, and those roles. */
  hot: { skill: string; roles: string[] };
  /** Relative paths of the three files each skill holds. */
  skillFiles: readonly string[];
  /** Bytes copied per role (skills only). */
  bytesPerRole: number;
  cleanup(): void;
}

/**
 * Temp trees are removed at the very end of a run, not between measurements: ext4 skips inodes freed in the
 * last minutes when it allocates new ones, so creating thousands of files right after deleting thousands is
 * several times slower (perf: find_get_block_common / recently_deleted), which would be the benchmark's own
 * noise, not hero_team's cost.
 */
const pendingCleanups: string[] = [];

/**
 * Remove every temp tree made by this process (at exit of a run; skipped with --keep). `background`: hand them to
 * a detached `rm -rf` and return at once (a run's ~100,000 files took ~40 s to delete, a third of a quick run);
 * returns its pid then.
 */
export function cleanupAll(opts: { background?: boolean } = {}): number | undefined {
  const roots = pendingCleanups.splice(0);
  if (!roots.length) return undefined;
  if (opts.background) {
    const rm = spawn('rm', ['-rf', '--', ...roots], { detached: true, stdio: 'ignore' });
    rm.unref();
    return rm.pid;
  }
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  return undefined;
}

/** The three files of every generated skill (one nested directory, like scripts/ in real skills). */
export const SKILL_FILES = ['SKILL.md', 'reference.md', 'scripts/run.sh'] as const;

/** Name of the registry skill with index i. */
export function skillName(i: number): string {
  return `s${String(i).padStart(5, '0')}`;
}

/** Deterministic filler text of exactly `bytes` bytes. */
function filler(seed: string, bytes: number): string {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'skill', 'role', 'kimi', 'copy', 'file', 'hash', 'watch', 'tree'];
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  const parts: string[] = [];
  let len = 0;
  while (len < bytes) {
    h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0;
    const w = words[h % words.length]! + (h % 7 === 0 ? '.\n' : ' ');
    parts.push(w);
    len += w.length;
  }
  return parts.join('').slice(0, bytes);
}

/** The bytes of one generated skill file (SKILL.md carries valid frontmatter). */
export function skillFileContent(name: string, rel: string, bytes: number, version = 0): string {
  const head =
    rel === 'SKILL.md'
      ? `---\nname: ${name}\ndescription: benchmark skill ${name} v${version}\n---\n`
      : rel.endsWith('.sh')
        ? '#!/bin/sh\n'
        : `# ${name} ${rel} v${version}\n`;
  return head + filler(`${name}/${rel}/${version}`, Math.max(0, bytes - head.length - 1)) + '\n';
}

/** Write one skill directory into the registry. */
export function writeSkill(skillsDir: string, name: string, bytes: number, version = 0): void {
  for (const rel of SKILL_FILES) {
    const path = join(skillsDir, name, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, skillFileContent(name, rel, bytes, version), { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
  }
}

/** Role i whitelists S skills spread over the registry (each skill is shared by about R·S/K roles). */
function whitelist(i: number, spec: FixtureSpec): string[] {
  const out = new Set<string>();
  for (let j = 0; out.size < Math.min(spec.skillsPerRole, spec.registrySkills); j++)
    out.add(skillName((i * spec.skillsPerRole + j) % spec.registrySkills));
  return [...out];
}

/** Generate a fixture; the roles dir exists and is empty. */
export function makeFixture(spec: FixtureSpec): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'ht-bench-'));
  const skillsDir = join(root, 'registry');
  const rolesDir = join(root, 'roles');
  const home = join(root, 'home');
  for (const d of [skillsDir, rolesDir, home]) mkdirSync(d, { recursive: true });
  const bytes = spec.fileBytes ?? 4096;
  for (let i = 0; i < spec.registrySkills; i++) writeSkill(skillsDir, skillName(i), bytes);
  const hotSkill = 'hot';
  writeSkill(skillsDir, hotSkill, bytes);
  const hotRoles = spec.hotRoles ?? 10;
  const roles = Array.from({ length: spec.roles }, (_, i) => {
    const skills = whitelist(i, spec);
    if (i < hotRoles) skills.push(hotSkill);
    return { name: `role-${String(i).padStart(3, '0')}`, skills };
  });
  const store = {
    version: 1,
    roles: roles.map((r) => ({ name: r.name, model: 'kimi-code/kimi-for-coding', skills: r.skills })),
  };
  writeFileSync(join(home, 'store.json'), JSON.stringify(store, null, 2) + '\n');
  pendingCleanups.push(root);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(root, 'fakehome'),
    HERO_TEAM_HOME: home,
    HERO_SKILLS_DIR: skillsDir,
    KIMI_ROLES_DIR: rolesDir,
    HERO_SOCKET_DIR: join(root, 'sock'),
    KIMI_API_KEY: 'sk-bench',
    LOG_LEVEL: 'info',
    // Tuning under test passes through from the shell (HERO_TEAM_CONCURRENCY=8 npx tsx bench/cold.ts).
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) =>
        /^(HERO_TEAM_CONCURRENCY|HERO_TEAM_HELPER_NICE|UV_THREADPOOL_SIZE)$/.test(k),
      ),
    ),
    ...spec.env,
  };
  return {
    root,
    skillsDir,
    rolesDir,
    home,
    env,
    roles,
    hot: { skill: hotSkill, roles: roles.slice(0, hotRoles).map((r) => r.name) },
    skillFiles: SKILL_FILES,
    bytesPerRole: spec.skillsPerRole * SKILL_FILES.length * bytes,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
