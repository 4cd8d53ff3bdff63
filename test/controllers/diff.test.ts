/** buildRoleDiff (pure): unified diffs, skills by name, secrets redacted on both sides. */
import { describe, expect, it } from 'vitest';
import { buildRoleDiff, type FileSides, secretRedactor } from '../../src/controllers/diff.ts';
import { redactMcpServers } from '../../src/controllers/render/mcp-json.ts';

const SECRET = 'sk-MARKER-diff-4242';
const redact = secretRedactor({ KIMI_API_KEY: SECRET }, redactMcpServers);
const side = (path: string, change: FileSides['change'], disk?: string, desired?: string): FileSides => ({
  path,
  change,
  disk: disk === undefined ? undefined : Buffer.from(disk),
  desired: desired === undefined ? undefined : Buffer.from(desired),
});

describe('buildRoleDiff', () => {
  it('is converged with nothing differing', () => {
    expect(buildRoleDiff('r', [], [], redact).converged).toBe(true);
    expect(buildRoleDiff('r', [], ['skills/x'], redact).converged).toBe(false);
  });

  it('gives a unified diff with the key redacted on both sides, known or typed by hand', () => {
    const d = buildRoleDiff(
      'r',
      [
        side(
          'config.toml',
          'modified',
          `a = 1\napi_key = "${SECRET}"\nother = "x"\napi_key = "sk-typed-by-hand"\n`,
          `a = 2\napi_key = "${SECRET}"\nother = "x"\napi_key = ""\n`,
        ),
      ],
      [],
      redact,
    );
    const patch = d.files[0]!.patch!;
    expect(patch).toContain('--- disk/r/config.toml\n+++ desired/r/config.toml');
    expect(patch).toContain('-a = 1\n+a = 2');
    expect(patch).toContain('api_key = "<redacted:KIMI_API_KEY>"');
    expect(patch).not.toContain(SECRET);
    expect(patch).not.toContain('sk-typed-by-hand');
  });

  it('redacts mcp.json env and header values; a change only in a secret says so without showing it', () => {
    const disk = JSON.stringify({ mcpServers: { gh: { command: 'gh', env: { TOKEN: 'old-token-value' } } } });
    const desired = JSON.stringify({ mcpServers: { gh: { command: 'gh', env: { TOKEN: 'new-token-value' } } } });
    const f = buildRoleDiff('r', [side('mcp.json', 'modified', disk, desired)], [], redact).files[0]!;
    expect(f.patch).toBeUndefined();
    expect(f.note).toContain('differs only in redacted values');
    expect(JSON.stringify(f)).not.toMatch(/token-value/);
  });

  it('lists skills added, removed and changed by name', () => {
    const d = buildRoleDiff(
      'r',
      [
        side('skills/new/SKILL.md', 'added', undefined, 'n'),
        side('skills/new/a.txt', 'added', undefined, 'n'),
        side('skills/old/SKILL.md', 'removed', 'o'),
        side('skills/mixed/SKILL.md', 'modified', 'x', 'y'),
        side('skills/mixed/extra.txt', 'added', undefined, 'z'),
      ],
      [],
      redact,
    );
    expect(d.skills).toEqual({ added: ['new'], removed: ['old'], changed: ['mixed'] });
    expect(d.files.find((f) => f.path === 'skills/old/SKILL.md')!.patch).toContain('+++ /dev/null');
  });

  it('describes binary files, mode changes, conflicts and held edits without a text diff where none fits', () => {
    const d = buildRoleDiff(
      'r',
      [
        side('skills/a/logo.png', 'modified', 'a\0b', 'a\0c'),
        { path: 'config.toml', change: 'mode', diskMode: 0o644, desiredMode: 0o600 },
        side('mcp.json', 'conflict'),
        side('skills/a/SKILL.md', 'held', 'mine\n', 'theirs\n'),
      ],
      [],
      redact,
    );
    const by = Object.fromEntries(d.files.map((f) => [f.path, f]));
    expect(by['skills/a/logo.png']!.note).toMatch(/binary/);
    expect(by['config.toml']!.note).toBe('mode 0644 -> 0600');
    expect(by['mcp.json']!.note).toMatch(/in the way/);
    expect(by['skills/a/SKILL.md']!.note).toMatch(/report/);
    expect(by['skills/a/SKILL.md']!.patch).toContain('-mine\n+theirs');
  });
});
