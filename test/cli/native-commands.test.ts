/** preset list|show, role add --preset/--hooks, run (with a stand-in kimi on PATH), completion. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => {
  // These check kimi-cli's launch line and files; Kimi Code's are covered by test/controllers/render/launch.test.ts and the conformance tests.
  tree = makeTree({ HERO_TEAM_KIMI_TARGET: 'kimi-cli' });
  addSkill(tree, 'alpha');
});
afterEach(() => tree.cleanup());

const store = () => JSON.parse(readFileSync(join(tree.paths.home, 'store.json'), 'utf8'));

describe('preset commands', () => {
  it('list the built-ins and a user preset, and show one with its tools under both targets', async () => {
    put(
      join(tree.paths.home, 'presets', 'docs', 'agent.yaml'),
      'version: 1\nagent:\n  extend: default\n  name: docs\n  system_prompt_path: ./system.md\n  tools: [kimi_cli.tools.file:ReadFile]\n',
    );
    put(join(tree.paths.home, 'presets', 'docs', 'system.md'), 'Write the docs.\n');
    const list = await cli(tree.env, 'preset', 'list');
    expect(list.code).toBe(0);
    for (const name of ['architect', 'executor', 'explore', 'reviewer', 'security', 'verifier'])
      expect(list.stdout).toMatch(new RegExp(`^${name}\\s+builtin\\s+\\S`, 'm'));
    expect(list.stdout).toMatch(/^docs\s+user\s+hero_team preset docs$/m);
    const show = await cli(tree.env, 'preset', 'show', 'verifier');
    expect(show.stdout).toMatch(
      /^tools: +SetTodoList, Shell, TaskList, TaskOutput, TaskStop, ReadFile, ReadMediaFile, Glob, Grep$/m,
    );
    expect(show.stdout).toMatch(
      /^ {2}kimi-code: TodoList, Bash, TaskList, TaskOutput, TaskStop, Read, ReadMediaFile, Glob, Grep, Skill$/m,
    );
    expect(show.stdout).toContain('## Review Discipline');
    expect((await cli(tree.env, 'preset', 'show', 'nope')).stderr).toContain('unknown preset "nope"');
  });

  it('lists a broken user preset with its error and exits 1', async () => {
    put(join(tree.paths.home, 'presets', 'broken', 'agent.yaml'), 'version: 2\n');
    const list = await cli(tree.env, 'preset', 'list');
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(/^broken\s+user\s+INVALID: preset "broken": .*agent.yaml: version must be 1$/m);
  });
});

describe('role add --preset', () => {
  it("takes the preset's defaults unless a flag says otherwise, and the launch line gains --agent-file", async () => {
    const add = await cli(tree.env, 'role', 'add', 'ex', '--preset', 'explore');
    expect(add.code).toBe(0);
    expect(store().roles[0]).toMatchObject({ name: 'ex', preset: 'explore', thinking: false });
    expect(store().roles[0].hooks).toBeUndefined();
    expect(add.stdout).toContain(`--agent-file ${tree.paths.rolesDir}/ex/agents/explore/agent.yaml`);
    await cli(
      tree.env,
      'role',
      'add',
      'rev',
      '--preset',
      'executor',
      '--thinking',
      '--hooks',
      'notify',
      '--skills',
      'alpha',
    );
    expect(store().roles[1]).toMatchObject({
      preset: 'executor',
      thinking: true,
      hooks: ['notify'],
      skills: ['alpha'],
    });
    await cli(tree.env, 'role', 'add', 'ver', '--preset', 'verifier', '--no-thinking');
    expect(store().roles[2]).toMatchObject({ thinking: false, hooks: ['safety-check', 'notify'] });
  });

  it('refuses an unknown preset or hook and changes nothing', async () => {
    expect((await cli(tree.env, 'role', 'add', 'x', '--preset', 'wizard')).stderr).toContain('unknown preset "wizard"');
    expect((await cli(tree.env, 'role', 'add', 'x', '--hooks', 'notify,rm-guard')).stderr).toContain(
      'unknown hook(s) "rm-guard"; built-in hooks: safety-check, completion-check, notify',
    );
    expect(existsSync(join(tree.paths.home, 'store.json'))).toBe(false);
  });

  it('role set --preset none and --hooks none remove them; sync then prunes the agent and hook files', async () => {
    await cli(tree.env, 'role', 'add', 'rev', '--preset', 'reviewer', '--hooks', 'safety-check');
    await cli(tree.env, 'sync', 'rev');
    const dir = join(tree.paths.rolesDir, 'rev');
    expect(existsSync(join(dir, 'agents/reviewer/agent.yaml')) && existsSync(join(dir, 'hooks/safety-check'))).toBe(
      true,
    );
    expect((await cli(tree.env, 'role', 'set', 'rev', '--preset', 'none', '--hooks', 'none')).code).toBe(0);
    expect(store().roles[0].preset).toBeUndefined();
    await cli(tree.env, 'sync', 'rev');
    expect(existsSync(join(dir, 'agents/reviewer/agent.yaml')) || existsSync(join(dir, 'hooks/safety-check'))).toBe(
      false,
    );
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).not.toContain('[[hooks]]');
  });
});

describe('run', () => {
  const standIn = () => {
    const bin = join(tree.root, 'bin');
    put(
      join(bin, 'kimi'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(tree.root, 'kimi.args')}'\ntest -f "$2" && echo "config present"\nexit 7\n`,
      0o755,
    );
    return { ...tree.env, PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin` };
  };

  it('--print prints the exact launch line with the arguments after --', async () => {
    await cli(tree.env, 'role', 'add', 'rev', '--preset', 'reviewer');
    const r = await cli(tree.env, 'run', 'rev', '--print', '--', '-p', 'review the diff', '--yolo');
    const dir = `${tree.paths.rolesDir}/rev`;
    expect(r.stdout).toBe(
      `kimi --config-file ${dir}/config.toml --mcp-config-file ${dir}/mcp.json --skills-dir ${dir}/skills --agent-file ${dir}/agents/reviewer/agent.yaml -p 'review the diff' --yolo\n`,
    );
    expect(existsSync(join(dir, 'config.toml'))).toBe(false); // --print changes nothing
  });

  it("converges the role, then runs kimi with the role's files and the arguments, returning its exit code", async () => {
    const env = standIn();
    await cli(env, 'role', 'add', 'rev', '--preset', 'reviewer');
    const r = await cli(env, 'run', 'rev', '--', '-p', 'hello world');
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('config present\n');
    const dir = `${tree.paths.rolesDir}/rev`;
    expect(readFileSync(join(tree.root, 'kimi.args'), 'utf8').split('\n').slice(0, -1)).toEqual([
      '--config-file',
      `${dir}/config.toml`,
      '--mcp-config-file',
      `${dir}/mcp.json`,
      '--skills-dir',
      `${dir}/skills`,
      '--agent-file',
      `${dir}/agents/reviewer/agent.yaml`,
      '-p',
      'hello world',
    ]);
    expect(existsSync(join(dir, 'agents/reviewer/system.md'))).toBe(true);
  });

  it('Kimi Code: runs kimi with the role directory as KIMI_CODE_HOME, the agent file, the key in its environment and no model override', async () => {
    const env = {
      ...standIn(),
      HERO_TEAM_KIMI_TARGET: 'kimi-code',
      KIMI_API_KEY: 'sk-run-key',
      KIMI_MODEL_NAME: 'leak',
    };
    put(
      join(tree.root, 'bin', 'kimi'),
      `#!/bin/sh\nprintf '%s\\n' "$KIMI_CODE_HOME" "$KIMI_API_KEY" "\${KIMI_MODEL_NAME-unset}" "$@" > '${join(tree.root, 'kimi.args')}'\n`,
      0o755,
    );
    await cli(env, 'role', 'add', 'rev', '--preset', 'reviewer', '--hooks', 'safety-check');
    expect((await cli(env, 'run', 'rev', '--', '-p', 'hi')).code).toBe(0);
    const dir = `${tree.paths.rolesDir}/rev`;
    expect(readFileSync(join(tree.root, 'kimi.args'), 'utf8').split('\n').slice(0, -1)).toEqual([
      dir,
      'sk-run-key',
      'unset',
      '--skills-dir',
      `${dir}/skills`,
      '--agent-file',
      `${dir}/agents/reviewer.md`,
      '-p',
      'hi',
    ]);
    expect(existsSync(join(dir, 'agents/reviewer.md'))).toBe(true);
    const config = readFileSync(join(dir, 'config.toml'), 'utf8');
    expect(config).toContain('matcher = "^Bash$"');
    expect(config).not.toContain('sk-run-key');
  });

  it('says clearly when kimi is not on PATH, when the role does not exist, and when it cannot converge', async () => {
    await cli(tree.env, 'role', 'add', 'rev');
    const noKimi = await cli({ ...tree.env, PATH: '/nonexistent' }, 'run', 'rev');
    expect(noKimi.code).toBe(1);
    expect(noKimi.stderr).toContain('"kimi" is not on PATH');
    expect((await cli(standIn(), 'run', 'ghost')).stderr).toContain('role "ghost" does not exist');
    // A user preset that breaks the loader rules: the role cannot converge, kimi is not started.
    put(
      join(tree.paths.home, 'presets', 'mine', 'agent.yaml'),
      'version: 1\nagent: {extend: default, name: m, system_prompt_path: ./system.md, tools: [kimi_cli.tools.file:ReadFile]}\n',
    );
    put(join(tree.paths.home, 'presets', 'mine', 'system.md'), 'Mine.\n');
    const env = standIn();
    await cli(env, 'role', 'add', 'own', '--preset', 'mine');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template syntax is the input under test
    put(join(tree.paths.home, 'presets', 'mine', 'system.md'), 'Now with ${KIMI_NOW}.\n');
    const bad = await cli(env, 'run', 'own');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /cannot launch role "own": it could not be converged: role "own": preset "mine": .*system.md: template syntax/,
    );
    expect(existsSync(join(tree.root, 'kimi.args'))).toBe(false);
  });
});

describe('completion', () => {
  it('bash completes commands, flags, preset and role names and comma lists of hooks', async () => {
    await cli(tree.env, 'role', 'add', 'rev');
    const bin = join(tree.root, 'bin');
    put(join(bin, 'hero-team'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, 0o755);
    const script = (await cli(tree.env, 'completion', 'bash')).stdout;
    put(join(tree.root, 'completion.bash'), script);
    const complete = (...words: string[]) => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source '${join(tree.root, 'completion.bash')}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _hero_team; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { env: { ...tree.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' },
      );
      return r.stdout.trim().split('\n');
    };
    expect(complete('hero-team', 'pre')).toEqual(['preset']);
    expect(complete('hero-team', 'preset', '')).toEqual(['list', 'show']);
    expect(complete('hero-team', 'role', 'add', 'x', '--pre')).toEqual(['--preset']);
    expect(complete('hero-team', 'role', 'add', 'x', '--preset', 're')).toEqual(['reviewer']);
    expect(complete('hero-team', 'role', 'add', 'x', '--hooks', 'notify,sa')).toEqual(['notify,safety-check']);
    expect(complete('hero-team', 'run', '')).toEqual(['rev']);
  });

  it('zsh gets a compdef script; an unknown shell is a usage error', async () => {
    const zsh = await cli(tree.env, 'completion', 'zsh');
    expect(zsh.stdout).toMatch(/^#compdef hero-team\n/);
    expect(zsh.stdout).toContain('compdef _hero_team hero-team');
    expect((await cli(tree.env, 'completion', 'fish')).code).toBe(2);
  });
});
