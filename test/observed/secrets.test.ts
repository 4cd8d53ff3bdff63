/** secrets.env parsing and the environment's precedence. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEnvFile, readSecrets } from '../../src/observed/secrets.ts';
import { makeTree, put, type TestTree } from '../helpers/tree.ts';

describe('parseEnvFile', () => {
  it('reads KEY=value lines with export, quotes and comments', () => {
    const text = [
      '# comment',
      'export KIMI_API_KEY="sk-1 2"',
      "GROQ_API_KEY='g#1'",
      'SAMBANOVA_API_KEY=s3 # trailing',
      'not a line',
      ' EMPTY=',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      KIMI_API_KEY: 'sk-1 2',
      GROQ_API_KEY: 'g#1',
      SAMBANOVA_API_KEY: 's3',
      EMPTY: '',
    });
  });
});

describe('readSecrets', () => {
  let tree: TestTree;
  beforeEach(() => (tree = makeTree()));
  afterEach(() => tree.cleanup());

  it('returns only the named variables; the environment wins; empty counts as unset', async () => {
    const file = join(tree.paths.home, 'secrets.env');
    put(file, 'KIMI_API_KEY=from-file\nGROQ_API_KEY=groq-file\nOTHER=x\n');
    const got = await readSecrets(file, { KIMI_API_KEY: 'from-env', GROQ_API_KEY: '' }, [
      'KIMI_API_KEY',
      'GROQ_API_KEY',
      'SAMBANOVA_API_KEY',
    ]);
    expect(got).toEqual({ KIMI_API_KEY: 'from-env', GROQ_API_KEY: 'groq-file' });
  });

  it('treats a missing file as no secrets', async () => {
    expect(await readSecrets(join(tree.paths.home, 'nope.env'), {}, ['KIMI_API_KEY'])).toEqual({});
  });
});
