/**
 * doctor judges each role by the rules of the installation's target (Kimi Code or kimi-cli): a healthy setup of
 * each target is clean, seeded faults of each are found with severity, check and file. A stand-in `kimi` on PATH
 * answers `--version` and `doctor config` the way the real one does (exit 1 and indented details on an error).
 */
import { appendFileSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { runDoctor } from '../../src/controllers/doctor/run.ts';
import { cli } from '../helpers/cli.ts';
import type { Finding as F } from '../helpers/doctor.ts';
import { addSkill, makeTree, put, type TestTree } from '../helpers/tree.ts';

const MODEL = 'kimi-code/kimi-for-coding';
let tree: TestTree;
afterEach(() => tree.cleanup());

/** A `kimi` printing `version`; `doctor config FILE` fails on a file holding SEEDED-KIMI-ERROR; calls are logged. */
function standInKimi(version: string): { env: NodeJS.ProcessEnv; calls: () => string } {
  const bin = join(tree.root, 'bin');
  const log = join(tree.root, 'kimi-calls.log');
  put(
    join(bin, 'kimi'),
    [
      '#!/bin/sh',
      `echo "home=$KIMI_CODE_HOME args=$*" >> '${log}'`,
      `if [ "$1" = "--version" ]; then echo "${version}"; exit 0; fi`,
      'if [ "$1" = "doctor" ] && [ "$2" = "config" ]; then',
      '  if grep -q SEEDED-KIMI-ERROR "$3"; then echo "ERROR $3"; echo "  thinking.enabled: Expected boolean"; exit 1; fi',
      '  echo "OK $3"; exit 0',
      'fi',
      'exit 2',
    ].join('\n'),
    0o755,
  );
  writeFileSync(log, '');
  return { env: { ...tree.env, PATH: `${bin}:/usr/bin:/bin` }, calls: () => readFileSync(log, 'utf8') };
}

function store(target: 'kimi-code' | 'kimi-cli', roles: Record<string, unknown>[]): void {
  put(
    join(tree.paths.home, 'store.json'),
    `${JSON.stringify({ version: 2, settings: { kimiTarget: target }, roles, catalog: { providers: {}, models: {} } })}\n`,
  );
}

const native = (name: string) => ({
  name,
  model: MODEL,
  skills: ['alpha'],
  preset: 'reviewer',
  hooks: ['safety-check', 'completion-check', 'notify'],
});

/** Findings of an in-process run with a daemon that runs and answers, and inotify not a concern. */
async function doctorWithDaemon(env: NodeJS.ProcessEnv): Promise<F[]> {
  const probes = {
    daemons: () => [1],
    socket: async () => 'ok' as const,
    inotify: () => ({ max: undefined, used: 0 }),
  };
  return runDoctor({ paths: tree.paths, env, clock: systemClock, probes });
}

const R = (name: string, rel = '') => join(tree.paths.rolesDir, name, rel);

function expectFindings(findings: F[], seeded: [string, string, string | undefined, string | undefined][]): void {
  for (const [severity, check, file, role] of seeded)
    expect(findings, `${severity} ${check} ${file ?? ''}`).toContainEqual(
      expect.objectContaining({ severity, check, ...(file ? { file } : {}), ...(role ? { role } : {}) }),
    );
  for (const x of findings) expect(x.fix.length, x.check).toBeGreaterThan(5);
}

describe('doctor per target', () => {
  it('a healthy Kimi Code setup (preset, hooks, Kimi Code 2.x on PATH) is clean, and kimi doctor config ran in each role home', async () => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-code' });
    const kimi = standInKimi('2.1.0');
    addSkill(tree, 'alpha');
    store('kimi-code', [
      native('backend'),
      { name: 'plain', model: 'groq/kimi-k2-instruct', thinking: false, yolo: true },
    ]);
    put(join(tree.paths.home, 'secrets.env'), 'GROQ_API_KEY=gsk-x\n', 0o600);
    expect((await cli(kimi.env, 'sync')).code).toBe(0);
    expect(readFileSync(R('backend', 'config.toml'), 'utf8')).toContain('[thinking]');
    const findings = await doctorWithDaemon(kimi.env);
    expect(findings.filter((x) => x.severity !== 'info')).toEqual([]);
    for (const role of ['backend', 'plain'])
      expect(kimi.calls()).toContain(`home=${R(role)} args=doctor config ${R(role, 'config.toml')}`);
    const r = await cli(kimi.env, 'doctor');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('sk-MARKER-code');
  });

  it("a healthy kimi-cli setup (preset, hooks, kimi-cli on PATH) is clean; Kimi Code's doctor is not asked", async () => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-cli' });
    const kimi = standInKimi('kimi, version 1.49.0');
    addSkill(tree, 'alpha');
    store('kimi-cli', [native('backend')]);
    expect((await cli(kimi.env, 'sync')).code).toBe(0);
    expect(readFileSync(R('backend', 'config.toml'), 'utf8')).toContain('default_thinking');
    expect(await doctorWithDaemon(kimi.env)).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ severity: 'error' })]),
    );
    expect((await doctorWithDaemon(kimi.env)).filter((x) => x.severity !== 'info')).toEqual([]);
    expect(kimi.calls()).not.toContain('doctor config');
    expect((await cli(kimi.env, 'doctor')).code).toBe(0);
  });

  it("Kimi Code target: seeded faults in config.toml, hooks, mcp.json, agent file, hook scripts, and Kimi Code's own verdict", async () => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-faults' });
    const kimi = standInKimi('2.1.0');
    addSkill(tree, 'alpha');
    const roles = ['perm', 'legacy', 'ptype', 'hookfield', 'mcp', 'noagent', 'badagent', 'noexec', 'kimierr'];
    store('kimi-code', roles.map(native));
    expect((await cli(kimi.env, 'sync')).code).toBe(0);
    const edit = (role: string, from: RegExp | string, to: string) => {
      const file = R(role, 'config.toml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
    };
    edit('perm', /default_permission_mode = "manual"/, 'default_permission_mode = "afk"');
    edit('legacy', /^default_permission_mode/m, 'default_thinking = true\ndefault_permission_mode');
    // A hand-written kimi-cli provider: passes Kimi Code's doctor, then every prompt fails.
    appendFileSync(
      R('ptype', 'config.toml'),
      '\n[providers.mine]\ntype = "openai_legacy"\nbase_url = "https://x.test/v1"\n',
    );
    edit('hookfield', /timeout = 10\n/, 'timeout = 10\nasync = true\n');
    writeFileSync(
      R('mcp', 'mcp.json'),
      '{"mcpServers": {"s": {"url": "https://mcp.test/mcp", "transport": "streamable-http", "auth": "tok"}}}\n',
    );
    rmSync(R('noagent', 'agents/reviewer.md'));
    const agent = R('badagent', 'agents/reviewer.md');
    writeFileSync(
      agent,
      readFileSync(agent, 'utf8')
        .replace(/^description: .*$/m, '')
        .replace(/^ {2}- Skill$/m, ''),
    );
    chmodSync(R('noexec', 'hooks/safety-check'), 0o644);
    appendFileSync(R('kimierr', 'config.toml'), '\n# SEEDED-KIMI-ERROR\n');

    const r = await cli(kimi.env, 'doctor', '--json');
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as { findings: F[] };
    expectFindings(findings, [
      ['error', 'role.config-invalid', R('perm', 'config.toml'), 'perm'],
      ['warning', 'role.config-unknown-key', R('legacy', 'config.toml'), 'legacy'],
      ['error', 'role.config-invalid', R('ptype', 'config.toml'), 'ptype'],
      ['error', 'role.hooks-invalid', R('hookfield', 'config.toml'), 'hookfield'],
      ['error', 'role.mcp-invalid', R('mcp', 'mcp.json'), 'mcp'],
      ['error', 'role.agent-missing', R('noagent', 'agents/reviewer.md'), 'noagent'],
      ['error', 'role.agent-invalid', R('badagent', 'agents/reviewer.md'), 'badagent'],
      ['error', 'role.hook-not-executable', R('noexec', 'hooks/safety-check'), 'noexec'],
      ['error', 'role.kimi-doctor', R('kimierr', 'config.toml'), 'kimierr'],
    ]);
    const text = (check: string, role: string) => findings.find((x) => x.check === check && x.role === role)!.message;
    expect(text('role.config-invalid', 'perm')).toMatch(/default_permission_mode must be one of manual, yolo, auto/);
    expect(text('role.config-unknown-key', 'legacy')).toMatch(/default_thinking .*\[thinking\] enabled/);
    expect(text('role.config-invalid', 'ptype')).toMatch(/providers\."mine"\.type/);
    expect(text('role.mcp-invalid', 'mcp')).toMatch(/transport/);
    expect(text('role.kimi-doctor', 'kimierr')).toMatch(/thinking\.enabled: Expected boolean/);
    // Valid Kimi Code keys are never reported as unknown (the kimi-cli rules would flag every one of these).
    expect(findings.filter((x) => x.check === 'role.config-unknown-key').map((x) => x.role)).toEqual(['legacy']);
    expect(r.stdout).not.toContain('sk-MARKER-faults');

    // The kimi on PATH is the other client: an error naming it; no kimi at all: a warning.
    const cliKimi = standInKimi('kimi, version 1.49.0');
    const other = await doctorWithDaemon(cliKimi.env);
    expectFindings(other, [['error', 'kimi.target', undefined, undefined]]);
    expect(other.find((x) => x.check === 'kimi.target')!.message).toMatch(
      /is kimi-cli, but roles are rendered for kimi-code/,
    );
    const none = await doctorWithDaemon({ ...tree.env, PATH: join(tree.root, 'empty') });
    expectFindings(none, [['warning', 'kimi.not-on-path', undefined, undefined]]);
    expect(none.find((x) => x.check === 'kimi.not-on-path')!.message).toContain('target kimi-code');
  });

  it("kimi-cli target: seeded faults judged by kimi-cli's rules, and a Kimi Code on PATH is the wrong client", async () => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-cli-faults' });
    const kimi = standInKimi('kimi, version 1.49.0');
    addSkill(tree, 'alpha');
    store('kimi-cli', ['thinkingtable', 'yolo', 'codeevent', 'agentver', 'noexec', 'nohook', 'unwired'].map(native));
    expect((await cli(kimi.env, 'sync')).code).toBe(0);
    appendFileSync(R('thinkingtable', 'config.toml'), '\n[thinking]\nenabled = true\n');
    const cfg = R('yolo', 'config.toml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/default_yolo = \w+/, 'default_yolo = "yes"'));
    appendFileSync(
      R('codeevent', 'config.toml'),
      '\n[[hooks]]\nevent = "TurnStarted"\ncommand = "true"\nmatcher = ""\ntimeout = 5\n',
    );
    const yaml = R('agentver', 'agents/reviewer/agent.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, 'version: 1.0'));
    chmodSync(R('noexec', 'hooks/notify'), 0o600);
    rmSync(R('nohook', 'hooks/completion-check'));
    const unwired = R('unwired', 'config.toml');
    writeFileSync(unwired, readFileSync(unwired, 'utf8').replace(/\[\[hooks\]\]\n(?:(?!\[).*\n)*/g, ''));

    const findings = await doctorWithDaemon(kimi.env);
    expectFindings(findings, [
      ['warning', 'role.config-unknown-key', R('thinkingtable', 'config.toml'), 'thinkingtable'],
      ['error', 'role.config-invalid', R('yolo', 'config.toml'), 'yolo'],
      ['error', 'role.hooks-invalid', R('codeevent', 'config.toml'), 'codeevent'],
      ['error', 'role.agent-invalid', R('agentver', 'agents/reviewer/agent.yaml'), 'agentver'],
      ['error', 'role.hook-not-executable', R('noexec', 'hooks/notify'), 'noexec'],
      ['error', 'role.hook-missing', R('nohook', 'hooks/completion-check'), 'nohook'],
      ['warning', 'role.hook-unwired', R('unwired', 'config.toml'), 'unwired'],
    ]);
    expect(readFileSync(unwired, 'utf8')).not.toContain('[[hooks]]');
    expect(findings.find((x) => x.role === 'codeevent' && x.check === 'role.hooks-invalid')!.message).toMatch(
      /TurnStarted is not a kimi-cli event/,
    );
    expect(findings.filter((x) => x.check === 'role.kimi-doctor')).toEqual([]);

    const codeKimi = standInKimi('2.1.0');
    const wrong = await doctorWithDaemon(codeKimi.env);
    expect(wrong.find((x) => x.check === 'kimi.target')).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/is kimi-code, but roles are rendered for kimi-cli/),
    });
    expect(codeKimi.calls()).not.toContain('doctor config');
  });
});
