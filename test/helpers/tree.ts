/** Temporary trees for tests: a registry, a roles dir and a state dir under one mkdtemp root. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config, Paths } from '../../src/config.ts';

/** A temp tree with every root the program uses. */
export interface TestTree {
  root: string;
  paths: Paths;
  config: Config;
  /** Environment for child processes and in-process CLI runs. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Create a fresh tree; the registry and roles dirs exist, empty. */
export function makeTree(extraEnv: Record<string, string> = {}): TestTree {
  const root = mkdtempSync(join(tmpdir(), 'ht-'));
  const paths: Paths = {
    home: join(root, 'home'),
    skillsDir: join(root, 'registry'),
    rolesDir: join(root, 'roles'),
    socketDir: join(root, 'sock'),
  };
  mkdirSync(paths.skillsDir, { recursive: true });
  mkdirSync(paths.rolesDir, { recursive: true });
  mkdirSync(paths.home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(root, 'fakehome'),
    HERO_TEAM_HOME: paths.home,
    HERO_SKILLS_DIR: paths.skillsDir,
    KIMI_ROLES_DIR: paths.rolesDir,
    HERO_SOCKET_DIR: paths.socketDir,
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const config: Config = {
    paths,
    tuning: {
      debounceMs: 20,
      resyncMs: 600_000,
      concurrency: 4,
      backoffBaseMs: 50,
      backoffMaxMs: 1000,
      lowMemory: false,
    },
    logLevel: 'silent',
  };
  return { root, paths, config, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Write a file, creating parents. */
export function put(path: string, content: string | Buffer, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  if (mode !== undefined) chmodSync(path, mode);
}

/** A SKILL.md text with frontmatter. */
export function skillMd(name: string, description = `the ${name} skill`, body = `Use ${name} wisely.\n`): string {
  return `---\nname: ${name}\ndescription: ${description}\n---\n${body}`;
}

/** Add a directory skill with SKILL.md plus extra files (relative path → content). */
export function addSkill(tree: TestTree, name: string, extra: Record<string, string> = {}): void {
  put(join(tree.paths.skillsDir, name, 'SKILL.md'), skillMd(name));
  for (const [rel, content] of Object.entries(extra)) put(join(tree.paths.skillsDir, name, rel), content);
}

/** Write a store.json with the given roles (fields beyond name/model take schema defaults). */
export function writeStore(tree: TestTree, roles: Record<string, unknown>[], catalog?: Record<string, unknown>): void {
  put(
    join(tree.paths.home, 'store.json'),
    JSON.stringify({ version: 1, roles, ...(catalog ? { catalog } : {}) }, null, 2) + '\n',
  );
}
