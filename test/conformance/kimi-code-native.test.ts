/**
 * Presets and hooks against the real Kimi Code binary (issues 17 and 18): a role with a preset and every
 * built-in hook passes `kimi doctor config` with no error or warning (Kimi Code drops the whole hooks array on
 * one bad entry), and `kimi -p` launched as `hero-team run` launches it loads the preset's agent file: the
 * profile Kimi binds is the preset, with exactly its tools under Kimi Code's names plus Skill.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchCommand } from '../../src/controllers/render/targets/launch.ts';
import { effectiveCatalog } from '../../src/desired/catalog-defaults.ts';
import { loadPreset } from '../../src/desired/presets.ts';
import { type KimiCommand, kimiDoctorConfig } from '../../src/observed/kimi-install.ts';
import { cli } from '../helpers/cli.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai.ts';
import {
  ensureKimiCode,
  KIMI_CODE_REQUIRED,
  KIMI_CODE_VERSION,
  type KimiCodeSetup,
} from '../helpers/kimi-code-install.ts';
import { makeTree, put, type TestTree } from '../helpers/tree.ts';

const PRESETS = ['reviewer', 'executor'];
let kimi: KimiCodeSetup;
let server: FakeOpenAi;
let tree: TestTree;

beforeAll(async () => {
  kimi = await ensureKimiCode();
  server = await startFakeOpenAi();
  if (!kimi.ok) return;
  tree = makeTree();
  const providers = Object.fromEntries(
    Object.entries(effectiveCatalog({ providers: {}, models: {} }).providers).map(([n, p]) => [
      n,
      { ...p, baseUrl: server.url },
    ]),
  );
  const roles = PRESETS.map((p) => ({
    name: p,
    model: 'kimi-code/kimi-for-coding',
    preset: p,
    hooks: ['safety-check', 'completion-check', 'notify'],
  }));
  put(
    join(tree.paths.home, 'store.json'),
    JSON.stringify({
      version: 2,
      roles,
      catalog: { providers, models: {} },
      settings: { kimiTarget: 'kimi-code', kimiKeys: 'env' },
    }),
  );
  const sync = await cli(tree.env, 'sync');
  expect(sync.code, sync.stdout + sync.stderr).toBe(0);
}, 10 * 60_000);
afterAll(async () => {
  await server?.close();
  tree?.cleanup();
});

function requireKimi(ctx: { skip: (note?: string) => void }): KimiCommand {
  if (kimi.ok) return kimi.command;
  if (KIMI_CODE_REQUIRED) throw new Error(`Kimi Code is required (HERO_TEAM_REQUIRE_KIMI_CODE=1) but: ${kimi.reason}`);
  ctx.skip(`Kimi Code ${KIMI_CODE_VERSION} could not be installed: ${kimi.reason}`);
  throw new Error('unreachable');
}

it('kimi doctor config accepts every hook of a role with a preset: no error, no warning', async (ctx) => {
  const command = requireKimi(ctx);
  for (const preset of PRESETS) {
    const r = await kimiDoctorConfig(command, join(tree.paths.rolesDir, preset), {
      PATH: process.env.PATH,
      HOME: tree.env.HOME,
    });
    expect({ preset, errors: r.errors, warnings: r.warnings }).toEqual({ preset, errors: [], warnings: [] });
  }
}, 120_000);

it('kimi -p with --agent-file binds the preset with exactly its tools', async (ctx) => {
  const command = requireKimi(ctx);
  for (const preset of PRESETS) {
    const dir = join(tree.paths.rolesDir, preset);
    const launch = launchCommand('kimi-code', dir, { agentFile: `agents/${preset}.md` });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: tree.env.HOME,
      KIMI_DISABLE_TELEMETRY: '1',
      KIMI_API_KEY: 'sk-fake',
      ...launch.env,
    };
    const work = join(tree.root, 'work', preset);
    mkdirSync(work, { recursive: true });
    const out = await new Promise<{ code: number; text: string }>((resolve) =>
      execFile(
        command.file,
        [...command.args, ...launch.argv.slice(1), '-p', 'say ok'],
        { env, cwd: work, timeout: 90_000 },
        (err, so, se) => resolve({ code: err ? 1 : 0, text: so + se }),
      ),
    );
    expect(out.code, out.text).toBe(0);
    const sessions = join(dir, 'sessions');
    const wd = readdirSync(sessions).find((d) => d.startsWith('wd_'))!;
    const session = readdirSync(join(sessions, wd)).find((d) => d.startsWith('session_'))!;
    const line = readFileSync(join(sessions, wd, session, 'agents', 'main', 'wire.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes('"profile.bind"'));
    const bind = JSON.parse(line!) as { profileName?: string; activeToolNames?: string[]; systemPrompt?: string };
    expect(bind.profileName).toBe(preset);
    const p = (await loadPreset(preset, { user: join(tree.paths.home, 'presets') }))!;
    expect([...(bind.activeToolNames ?? [])].filter((t) => !t.startsWith('mcp__')).sort()).toEqual(
      [...new Set([...p.tools.map((t) => t.code), 'Skill'])].sort(),
    );
    expect(bind.systemPrompt).toContain('## Instruction Hierarchy');
  }
}, 240_000);
