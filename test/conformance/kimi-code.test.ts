/**
 * Conformance against the real Kimi Code binary (issue 18): every rendered shape passes `kimi doctor config`
 * with no error and no warning, and `kimi -p` run in the role directory (its KIMI_CODE_HOME, launched by the
 * launch line's own environment) reaches a fake OpenAI-compatible server with the role's model and key, loads
 * exactly the role's skills plus Kimi's one non-removable built-in, and loads every MCP server of mcp.json.
 * Afterwards a sync finds nothing to do: Kimi's own state in the role directory is not ours.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCommand, launchKeyEnv } from '../../src/controllers/render/targets/launch.ts';
import { effectiveCatalog } from '../../src/desired/catalog-defaults.ts';
import { type KeyMode, RoleSpecSchema } from '../../src/desired/schema.ts';
import { type KimiCommand, kimiDoctorChecks, kimiDoctorConfig } from '../../src/observed/kimi-install.ts';
import { cli } from '../helpers/cli.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai.ts';
import {
  ensureKimiCode,
  KIMI_CODE_REQUIRED,
  KIMI_CODE_VERSION,
  type KimiCodeSetup,
} from '../helpers/kimi-code-install.ts';
import { addSkill, makeTree, put, type TestTree } from '../helpers/tree.ts';

/** Built-in skills Kimi Code keeps with `builtin_product_skills = false` (kimi-code-format §3). */
const NON_REMOVABLE_SKILLS = ['write-goal'];
const KEYS = { KIMI_API_KEY: 'sk-fake-kimi', GROQ_API_KEY: 'gsk-fake-groq', SAMBANOVA_API_KEY: 'sn-fake' };

interface Shape {
  role: string;
  model: string;
  modelId: string;
  thinking: boolean;
  yolo: boolean;
  skills: string[];
  mcp: string[];
  keyVar: string;
}

const SHAPES: Shape[] = [
  {
    role: 'coder',
    model: 'kimi-code/kimi-for-coding',
    modelId: 'kimi-for-coding',
    thinking: true,
    yolo: false,
    skills: ['alpha', 'beta'],
    mcp: ['local', 'remote', 'sse'],
    keyVar: 'KIMI_API_KEY',
  },
  {
    role: 'fast',
    model: 'groq/kimi-k2-instruct',
    modelId: 'moonshotai/kimi-k2-instruct-0905',
    thinking: false,
    yolo: true,
    skills: ['beta'],
    mcp: [],
    keyVar: 'GROQ_API_KEY',
  },
  {
    role: 'llama',
    model: 'sambanova/llama-3.3-70b',
    modelId: 'Meta-Llama-3.3-70B-Instruct',
    thinking: true,
    yolo: false,
    skills: [],
    mcp: ['local'],
    keyVar: 'SAMBANOVA_API_KEY',
  },
];

/** MCP services in kimi-cli's accepted forms; the Kimi Code render must translate each one. */
const SERVICES = {
  local: { command: '/nonexistent/mcp-local', args: ['--stdio'], env: { TOKEN: 'x' } },
  remote: { url: 'http://127.0.0.1:9/mcp', transport: 'streamable-http', auth: 'bearer-token-value' },
  sse: { url: 'http://127.0.0.1:9/sse', headers: { 'X-Team': 'hero' } },
};

let kimi: KimiCodeSetup;
let server: FakeOpenAi;

beforeAll(async () => {
  kimi = await ensureKimiCode();
  if (!kimi.ok) {
    const loud = `\n!!! Kimi Code ${KIMI_CODE_VERSION} conformance tests SKIPPED: ${kimi.reason}\n`;
    process.stderr.write(loud);
  }
  server = await startFakeOpenAi();
}, 10 * 60_000);
afterAll(async () => server?.close());

/** Skip (loudly) when the binary could not be installed, unless CI requires it. */
function requireKimi(ctx: { skip: (note?: string) => void }): KimiCommand {
  if (kimi.ok) return kimi.command;
  if (KIMI_CODE_REQUIRED) throw new Error(`Kimi Code is required (HERO_TEAM_REQUIRE_KIMI_CODE=1) but: ${kimi.reason}`);
  ctx.skip(`Kimi Code ${KIMI_CODE_VERSION} could not be installed: ${kimi.reason}`);
  throw new Error('unreachable');
}

/** A tree with the three roles rendered for Kimi Code, every managed provider pointed at the fake server. */
async function renderTree(keys: KeyMode): Promise<TestTree> {
  const tree = makeTree(keys === 'env' ? {} : KEYS);
  for (const name of ['alpha', 'beta', 'gamma']) addSkill(tree, name);
  const providers = Object.fromEntries(
    Object.entries(effectiveCatalog({ providers: {}, models: {} }).providers).map(([name, p]) => [
      name,
      { ...p, baseUrl: server.url },
    ]),
  );
  const roles = SHAPES.map((s) => ({
    name: s.role,
    model: s.model,
    thinking: s.thinking,
    yolo: s.yolo,
    skills: s.skills,
    mcp: s.mcp,
  }));
  put(
    join(tree.paths.home, 'store.json'),
    JSON.stringify({
      version: 2,
      roles,
      catalog: { providers, models: {} },
      settings: { kimiTarget: 'kimi-code', kimiKeys: keys },
    }),
  );
  put(join(tree.paths.home, 'services.json'), JSON.stringify({ services: SERVICES }));
  const sync = await cli(tree.env, 'sync');
  expect(sync.code, sync.stdout + sync.stderr).toBe(0);
  return tree;
}

/** Run `kimi -p` as the role, with the launch line's environment (plus the keys `hero-team run` would add). */
function runPrompt(
  command: KimiCommand,
  tree: TestTree,
  shape: Shape,
  keys: KeyMode,
): Promise<{ code: number; out: string }> {
  const dir = join(tree.paths.rolesDir, shape.role);
  const launch = launchCommand('kimi-code', dir);
  const role = RoleSpecSchema.parse({ name: shape.role, model: shape.model });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tree.env.HOME,
    KIMI_MODEL_NAME: 'must-be-removed',
    KIMI_DISABLE_TELEMETRY: '1',
  };
  for (const name of launch.unset) delete env[name];
  Object.assign(env, launch.env, launchKeyEnv(keys, role, effectiveCatalog({ providers: {}, models: {} }), KEYS));
  const work = join(tree.root, 'work', shape.role);
  mkdirSync(work, { recursive: true });
  const args = [...command.args, ...launch.argv.slice(1), '-p', 'say ok'];
  return new Promise((resolve) => {
    execFile(command.file, args, { env, cwd: work, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err.code as number) ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** The `profile.bind` record of the role's only session. */
function profileBind(roleDir: string): Record<string, unknown> {
  const sessions = join(roleDir, 'sessions');
  const wd = readdirSync(sessions).filter((d) => d.startsWith('wd_'));
  expect(wd).toHaveLength(1);
  const session = readdirSync(join(sessions, wd[0]!)).filter((d) => d.startsWith('session_'));
  expect(session).toHaveLength(1);
  const wire = readFileSync(join(sessions, wd[0]!, session[0]!, 'agents', 'main', 'wire.jsonl'), 'utf8');
  const line = wire.split('\n').find((l) => l.includes('"profile.bind"'));
  expect(line, 'profile.bind in wire.jsonl').toBeDefined();
  return JSON.parse(line!);
}

/** Skill names listed after "Current available skills:" in the system prompt. */
function skillsOf(bind: Record<string, unknown>): string[] {
  const prompt = String(bind.systemPrompt);
  const section = prompt.slice(prompt.indexOf('Current available skills:'));
  return [...section.matchAll(/^- ([a-z0-9][a-z0-9_-]*): /gm)].map((m) => m[1]!).sort();
}

describe.each<KeyMode>(['env', 'config'])(
  `Kimi Code ${KIMI_CODE_VERSION} loads what hero_team renders (keys: %s)`,
  (keys) => {
    let tree: TestTree;
    beforeAll(async () => {
      if (kimi.ok) tree = await renderTree(keys);
    }, 120_000);
    afterAll(() => tree?.cleanup());

    it('kimi doctor config: zero errors and zero warnings for every role', async (ctx) => {
      const command = requireKimi(ctx);
      const results = await Promise.all(
        SHAPES.map((s) =>
          kimiDoctorConfig(command, join(tree.paths.rolesDir, s.role), { PATH: process.env.PATH, HOME: tree.env.HOME }),
        ),
      );
      for (const [i, r] of results.entries())
        expect({ role: SHAPES[i]!.role, errors: r.errors, warnings: r.warnings }).toEqual({
          role: SHAPES[i]!.role,
          errors: [],
          warnings: [],
        });
    }, 120_000);

    it('kimi -p reaches the server with the role model and key, with exactly the whitelisted skills and every MCP server', async (ctx) => {
      const command = requireKimi(ctx);
      const before = server.requests.length;
      const runs = await Promise.all(SHAPES.map((s) => runPrompt(command, tree, s, keys)));
      const seen = server.requests.slice(before);
      for (const [i, shape] of SHAPES.entries()) {
        expect(runs[i]!.code, runs[i]!.out).toBe(0);
        const hit = seen.find((r) => r.body.model === shape.modelId);
        expect(hit, `a request for ${shape.modelId}`).toBeDefined();
        expect(hit!.path).toBe('/v1/chat/completions');
        expect(hit!.authorization).toBe(`Bearer ${KEYS[shape.keyVar as keyof typeof KEYS]}`);
        const dir = join(tree.paths.rolesDir, shape.role);
        const bind = profileBind(dir);
        expect(bind.modelAlias).toBe(shape.model);
        expect(skillsOf(bind)).toEqual([...shape.skills, ...NON_REMOVABLE_SKILLS].sort());
        if (!shape.thinking) expect(bind.thinkingEffort).toBe('off');
        if (shape.thinking && shape.model.startsWith('kimi-code/')) expect(bind.thinkingEffort).not.toBe('off');
        // Every server of mcp.json was taken (one rejected entry would drop them all); they fail to connect, by design.
        const log = readFileSync(join(dir, 'logs', 'kimi-code.log'), 'utf8');
        expect(log).not.toMatch(/Invalid MCP server config|mcp config initial load failed/);
        for (const name of shape.mcp) expect(log).toContain(`server=${name}`);
        if (shape.modelId.startsWith('moonshotai/') || shape.modelId.startsWith('Meta-'))
          expect(hit!.body.max_tokens).toBeLessThan(100_000);
      }
      // Kimi ran in each role directory and wrote its state there: nothing for hero_team to do, nothing reported.
      const resync = await cli(tree.env, 'sync');
      expect(resync.code).toBe(0);
      for (const shape of SHAPES)
        expect(resync.stdout).toMatch(new RegExp(`^${shape.role}: converged; written 0, deleted 0, backups 0;`, 'm'));
      expect(resync.stdout).not.toMatch(/stray|drift/i);
      expect(readdirSync(join(tree.paths.home)).includes('backups')).toBe(false);
    }, 180_000);
  },
);

it("hero-team doctor's Kimi checks: the binary matches the target; a broken or legacy config.toml is caught", async (ctx) => {
  const command = requireKimi(ctx);
  const tree = await renderTree('env');
  const dir = join(tree.paths.rolesDir, 'fast');
  const good = await kimiDoctorChecks({
    target: 'kimi-code',
    env: { PATH: process.env.PATH },
    roleDirs: [dir],
    command,
  });
  expect(good.map((c) => c.ok)).toEqual([true, true]);
  const wrongTarget = await kimiDoctorChecks({
    target: 'kimi-cli',
    env: { PATH: process.env.PATH },
    roleDirs: [dir],
    command,
  });
  expect(wrongTarget).toEqual([
    expect.objectContaining({
      ok: false,
      message: expect.stringContaining('is kimi-code, but roles are rendered for kimi-cli'),
    }),
  ]);
  // What today's seed renders for kimi-cli, read by Kimi Code: the unknown keys are a warning, and a bad value an error.
  const copy = join(tree.root, 'legacy-home');
  put(join(copy, 'config.toml'), 'default_model = ""\ndefault_thinking = true\ndefault_yolo = false\n');
  const legacy = await kimiDoctorConfig(command, copy, { PATH: process.env.PATH });
  expect(legacy.warnings.join(' ')).toMatch(/Unknown top-level keys.*default_thinking, default_yolo/);
  put(join(copy, 'config.toml'), 'default_permission_mode = "afk"\n');
  expect((await kimiDoctorConfig(command, copy, { PATH: process.env.PATH })).errors).not.toEqual([]);
  tree.cleanup();
}, 120_000);
