/** Which kimi is on PATH (real executables in a temp dir) and whether it matches the target. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKimiMatchesTarget, detectKimiTarget, findKimiOnPath } from '../../src/observed/kimi-install.ts';
import { put } from '../helpers/tree.ts';

describe('kimi on PATH', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ht-kimi-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const fakeKimi = (dir: string, version: string) =>
    put(join(root, dir, 'kimi'), `#!/bin/sh\necho "${version}"\n`, 0o755);

  it('finds nothing on an empty PATH: a new install gets kimi-code', async () => {
    expect(findKimiOnPath({ PATH: join(root, 'none') })).toBeUndefined();
    expect(await detectKimiTarget({ PATH: join(root, 'none') })).toEqual({ target: 'kimi-code' });
    expect(checkKimiMatchesTarget('kimi-code', undefined)).toMatchObject({
      ok: false,
      fix: expect.stringContaining('@moonshot-ai/kimi-code'),
    });
  });

  it('tells the Python kimi-cli (1.x) from Kimi Code (2.x) by version, first on PATH wins', async () => {
    fakeKimi('py', 'kimi, version 1.49.0');
    fakeKimi('node', '2.1.0');
    const py = await detectKimiTarget({ PATH: `${join(root, 'py')}:${join(root, 'node')}` });
    expect(py).toMatchObject({ target: 'kimi-cli', install: { version: '1.49.0' } });
    const code = await detectKimiTarget({ PATH: `${join(root, 'node')}:${join(root, 'py')}` });
    expect(code).toMatchObject({ target: 'kimi-code', install: { version: '2.1.0' } });
    expect(checkKimiMatchesTarget('kimi-code', code.install).ok).toBe(true);
    const mismatch = checkKimiMatchesTarget('kimi-code', py.install);
    expect(mismatch).toMatchObject({
      ok: false,
      message: expect.stringContaining('is kimi-cli, but roles are rendered for kimi-code'),
    });
    expect(mismatch.fix).toContain('hero-team target set kimi-cli');
  });

  it("recognises Kimi Code's npm package by its path even when it cannot run (Node too old)", async () => {
    put(
      join(root, 'lib', 'node_modules', '@moonshot-ai', 'kimi-code', 'dist', 'main.mjs'),
      '#!/bin/sh\nexit 1\n',
      0o755,
    );
    put(join(root, 'bin', '.keep'), '');
    symlinkSync(
      join(root, 'lib', 'node_modules', '@moonshot-ai', 'kimi-code', 'dist', 'main.mjs'),
      join(root, 'bin', 'kimi'),
    );
    expect(await detectKimiTarget({ PATH: join(root, 'bin') })).toMatchObject({
      target: 'kimi-code',
      install: { version: undefined },
    });
  });
});
