/** Issue 12 item 7: a huge SKILL.md is refused before it is read; large assets are hashed and copied in bounded memory. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DigestCache } from '../../src/observed/digest.ts';
import { scanRegistry } from '../../src/observed/registry.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => (tree = makeTree({ KIMI_API_KEY: 'k' })));
afterEach(() => tree.cleanup());

it('a SKILL.md above 4 MiB is an invalid skill with a clear reason', async () => {
  put(
    join(tree.paths.skillsDir, 'bomb', 'SKILL.md'),
    `---\nname: bomb\ndescription: "${'x'.repeat(5 * 1024 * 1024)}"\n---\n`,
  );
  const index = await scanRegistry(tree.paths.skillsDir, new DigestCache());
  expect(index.invalid.get('bomb')?.reason).toBe('SKILL.md is larger than 4 MiB');
});

it('a large asset is copied whole and recorded with its md5', async () => {
  const asset = Buffer.alloc(6 * 1024 * 1024 + 7, 'ab');
  addSkill(tree, 'big');
  put(join(tree.paths.skillsDir, 'big', 'assets', 'model.bin'), asset);
  writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['big'] }]);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  const copy = join(tree.paths.rolesDir, 'dev', 'skills', 'big', 'assets', 'model.bin');
  expect(readFileSync(copy).equals(asset)).toBe(true);
  // An edit of the large asset reaches the copy (streamed into a temp beside it).
  asset[0] = 0x7a;
  put(join(tree.paths.skillsDir, 'big', 'assets', 'model.bin'), asset);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  expect(createHash('md5').update(readFileSync(copy)).digest('hex')).toBe(
    createHash('md5').update(asset).digest('hex'),
  );
});
