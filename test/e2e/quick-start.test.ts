/**
 * The README's quick start, run as written (item 14): the shell block under "## Quick start" in bash, from the
 * checkout, with HOME an empty temporary directory and no hero_team variable set. Kimi itself is not installed:
 * the final `kimi ...` line runs a stand-in `kimi` on PATH that checks every path it is given exists and records
 * its arguments. Non-interactive bash expands aliases only with `shopt -s expand_aliases`, the one line added.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'ht-quickstart-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The first ```sh block after the "## Quick start" heading. */
function quickStart(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no sh block under "## Quick start"');
  return block[1]!;
}

const STAND_IN = `#!/bin/sh
# Stand-in for Kimi Code: every absolute path argument must exist; its home and the arguments are recorded.
[ "$1" = --version ] && { echo 2.1.0; exit 0; }
for a in "$@"; do case "$a" in /*) [ -e "$a" ] || { echo "kimi stand-in: missing $a" >&2; exit 3; };; esac; done
printf '%s\\n' "KIMI_CODE_HOME=$KIMI_CODE_HOME" "KIMI_API_KEY=$KIMI_API_KEY" "$@" > "$HOME/kimi-args"
`;

describe('README quick start', () => {
  it('works verbatim on a fresh machine (temporary HOME, stand-in kimi)', () => {
    const bin = join(home, 'stand-in-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'kimi'), STAND_IN);
    chmodSync(join(bin, 'kimi'), 0o755);
    const script = `set -e\nshopt -s expand_aliases\n${quickStart()}`;
    const r = spawnSync('bash', ['-c', script], {
      cwd: REPO,
      env: { HOME: home, PATH: `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, LANG: 'C.UTF-8' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).not.toMatch(/unknown|error|not found/i);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('role "backend" added');
    expect(r.stdout).toMatch(/backend: converged; written \d+/);
    const role = join(home, '.kimi', 'roles', 'backend');
    const config = parse(readFileSync(join(role, 'config.toml'), 'utf8')) as {
      default_model: string;
      providers: Record<string, { api_key_env: string }>;
    };
    expect(config.default_model).toBe('kimi-code/kimi-for-coding');
    // Kimi Code (what init picked: the kimi on PATH says 2.1.0) reads the key named in config.toml at launch.
    expect(config.providers['managed:kimi-code']!.api_key_env).toBe('KIMI_API_KEY');
    expect(r.stdout).toMatch(/target:\s+kimi-code/);
    for (const skill of ['git-workflow', 'testing'])
      expect(statSync(join(role, 'skills', skill, 'SKILL.md')).isFile()).toBe(true);
    expect(statSync(join(home, '.local', 'share', 'hero_team', 'secrets.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'kimi-args'), 'utf8').split('\n').filter(Boolean)).toEqual([
      `KIMI_CODE_HOME=${role}`,
      'KIMI_API_KEY=sk-...',
      '--skills-dir',
      join(role, 'skills'),
    ]);
  }, 150_000);
});
