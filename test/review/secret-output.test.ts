/**
 * Review attack: hand-edited key-holding files (a key hero_team does not know: not in the environment nor in
 * secrets.env) must not reach the output of `diff` or `doctor`, whatever the TOML or JSON spelling.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

const SECRET = 'sk-UNKNOWNsecretVALUE0123456789';
let tree: TestTree;
const dir = () => join(tree.paths.rolesDir, 'backend');

beforeEach(async () => {
  tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-known-1' });
  addSkill(tree, 'alpha');
  writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'], driftPolicy: 'report' }]);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
});
afterEach(() => tree.cleanup());

const TOML_SPELLINGS = [
  `[providers]\nmine.api_key = "${SECRET}"\n`,
  `providers.mine.api_key = "${SECRET}"\n`,
  `[providers.mine]\n"api_key" = "${SECRET}"\n`,
  `[providers]\nmine = { type = "kimi", api_key = "${SECRET}" }\n`,
  `[providers.mine]\napi_key = """${SECRET}"""\n`,
  `[providers.mine]\napi_key = '''\n${SECRET}'''\n`,
  `[providers.mine]\napi_key="${SECRET}"# note\n`,
];

it.each(TOML_SPELLINGS.map((t, i) => [i, t]))(
  'diff never prints an unknown api_key in config.toml (spelling %i)',
  async (_i, toml) => {
    writeFileSync(join(dir(), 'config.toml'), toml);
    for (const args of [
      ['diff', 'backend'],
      ['diff', 'backend', '--json'],
    ]) {
      const r = await cli(tree.env, ...args);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(SECRET.slice(3, 13));
    }
  },
);

it('doctor never prints a piece of an invalid mcp.json (JSON.parse quotes the text around the error)', async () => {
  writeFileSync(join(dir(), 'mcp.json'), `{"mcpServers":{"x":{"command":"x","env":{"TOKEN":${SECRET}}}}}\n`);
  for (const args of [
    ['doctor', 'backend'],
    ['doctor', 'backend', '--json'],
  ]) {
    const r = await cli(tree.env, ...args);
    expect(r.stdout).toContain('mcp.json');
    expect(r.stdout + r.stderr).not.toMatch(/UNKNOWN|secretV/);
  }
});
