import { describe, expect, it } from 'vitest';
import { parseFrontmatter, parseSimpleBlock, parseYamlBlock, validateSkillMd } from '../../src/observed/frontmatter.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseFrontmatter', () => {
  it('parses a mapping and returns the body after the closing line', () => {
    const r = parseFrontmatter('---\nname: pdf\ndescription: Read PDFs\n---\n# Body\ntext\n');
    expect(r).toEqual({ ok: true, data: { name: 'pdf', description: 'Read PDFs' }, body: '# Body\ntext\n' });
  });

  it('handles CRLF line endings and whitespace around the markers', () => {
    const r = parseFrontmatter('---  \r\nname: x\r\n  ---\r\nbody');
    expect(r).toEqual({ ok: true, data: { name: 'x' }, body: 'body' });
  });

  it('gives data null without frontmatter, for an empty block, or an unclosed block', () => {
    expect(parseFrontmatter('# Title\n')).toEqual({ ok: true, data: null, body: '# Title\n' });
    expect(parseFrontmatter('')).toEqual({ ok: true, data: null, body: '' });
    expect(parseFrontmatter('---\n\n---\nbody')).toEqual({ ok: true, data: null, body: 'body' });
    expect(parseFrontmatter('---\n# only a comment\n---\n')).toEqual({ ok: true, data: null, body: '' });
    expect(parseFrontmatter('---\nname: foo\nbody')).toEqual({ ok: true, data: null, body: '---\nname: foo\nbody' });
  });

  it('does not detect frontmatter after a BOM or a leading blank line (like Kimi)', () => {
    const bom = '\ufeff---\nname: 123\n---\n';
    expect(parseFrontmatter(bom)).toEqual({ ok: true, data: null, body: bom });
    expect(parseFrontmatter('\n---\nname: 123\n---\n')).toMatchObject({ ok: true, data: null });
  });

  it('reports invalid YAML with the line and column in the file', () => {
    const r = parseFrontmatter('---\nname: ok\ndescription: "unterminated\n---\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/not valid YAML: .*at line \d+, column \d+$/);
    const dup = parseFrontmatter('---\n\nname: a\nname: b\n---\n');
    expect(dup).toEqual({ ok: false, reason: expect.stringMatching(/unique at line 4, column 1$/) });
  });

  it('rejects a document that is not a mapping', () => {
    expect(parseFrontmatter('---\n- a\n- b\n---\n')).toEqual({
      ok: false,
      reason: 'frontmatter is not a YAML mapping',
    });
    expect(parseFrontmatter('---\njust text\n---\n')).toEqual({
      ok: false,
      reason: 'frontmatter is not a YAML mapping',
    });
  });

  it('rejects unknown tags, as PyYAML safe_load does', () => {
    expect(parseFrontmatter('---\nname: !custom x\n---\n').ok).toBe(false);
  });

  it('types scalars like PyYAML: yes/on are booleans, dates are dates, y stays a string', () => {
    const r = parseFrontmatter('---\na: yes\nb: off\nc: 2026-01-02\nd: y\ne: 1.10\n---\n');
    expect(r.ok && r.data).toEqual({ a: true, b: false, c: new Date('2026-01-02T00:00:00Z'), d: 'y', e: 1.1 });
  });
});

describe('validateSkillMd', () => {
  it('accepts a plain SKILL.md and returns the frontmatter description', () => {
    expect(validateSkillMd(utf8('---\nname: pdf\ndescription: Read PDFs\n---\nbody'))).toEqual({
      ok: true,
      description: 'Read PDFs',
    });
    expect(validateSkillMd(utf8('# no frontmatter'))).toEqual({ ok: true });
  });

  it('rejects a non-string name or description, treating falsy values as absent', () => {
    expect(validateSkillMd(utf8('---\nname: 123\n---\n'))).toEqual({
      ok: false,
      reason: 'SKILL.md frontmatter name is not a string',
    });
    expect(validateSkillMd(utf8('---\nname: true\n---\n')).ok).toBe(false);
    expect(validateSkillMd(utf8('---\nname: yes\n---\n')).ok).toBe(false);
    expect(validateSkillMd(utf8('---\ndescription: [a]\n---\n'))).toEqual({
      ok: false,
      reason: 'SKILL.md frontmatter description is not a string',
    });
    for (const v of ['null', '""', 'false', '0', '[]', '{}'])
      expect(validateSkillMd(utf8(`---\nname: ${v}\ndescription: ${v}\n---\n`))).toEqual({ ok: true });
  });

  it('rejects an unknown skill type', () => {
    expect(validateSkillMd(utf8('---\ntype: flow\n---\n')).ok).toBe(true);
    expect(validateSkillMd(utf8('---\ntype: magic\n---\n')).ok).toBe(false);
  });

  it('rejects bytes that are not UTF-8 and keeps a BOM from enabling detection', () => {
    expect(validateSkillMd(Uint8Array.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]))).toEqual({
      ok: false,
      reason: 'SKILL.md is not valid UTF-8',
    });
    expect(validateSkillMd(utf8('\ufeff---\nname: 123\n---\n'))).toEqual({ ok: true });
  });

  it('reports YAML errors with the SKILL.md prefix', () => {
    const r = validateSkillMd(utf8('---\na: [1,\nb: {\n---\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^SKILL\.md frontmatter is not valid YAML: .* at line 3, column 1$/);
  });
});

describe('simple frontmatter without the YAML parser', () => {
  const keys = [
    'name',
    'description',
    'type',
    'license',
    'x_y',
    'a-b',
    'yes',
    'On',
    'null',
    'True',
    '__proto__',
    '1st',
    'k',
  ];
  const values = [
    'pdf',
    'Read PDF files',
    'a',
    'x1',
    'v1.2',
    'Fill forms (quickly), then save',
    'path/to/x',
    'yes',
    'No',
    'ON',
    'off',
    'true',
    'FALSE',
    'null',
    'Null',
    'y',
    'n',
    'nan',
    'inf',
    'e5',
    'Y2024',
    'one  two',
    'a.',
    'ends with space ',
    'has: colon',
    'has # hash',
    "it's",
    '"quoted"',
    '-dash',
    'dash-',
    '~',
    '2024-01-01',
    '0x1F',
    '1e3',
    'Infinity',
    'x_',
    '(paren)',
    'a/b/',
  ];

  it('reads exactly what the YAML parser reads, or declines', () => {
    let simple = 0;
    const blocks: string[] = [];
    for (const k of keys) for (const v of values) blocks.push(`${k}: ${v}`);
    for (let i = 0; i < values.length; i++)
      blocks.push(`name: ${values[i]}\ndescription: ${values[(i * 7) % values.length]}`);
    blocks.push('name: a\nname: b', 'name: a\n\ndescription: b', '  name: a', 'name:a', 'name: a\n  more', '- a\n- b');
    for (const block of blocks) {
      const fast = parseSimpleBlock(block);
      if (!fast) continue;
      simple++;
      expect(parseYamlBlock(block), block).toEqual({ ok: true, data: fast });
    }
    expect(simple).toBeGreaterThan(100); // the fast path does take the common case
    expect(parseSimpleBlock('name: pdf\ndescription: Read PDF files')).toEqual({
      name: 'pdf',
      description: 'Read PDF files',
    });
    for (const declined of [
      'name: yes',
      'yes: x',
      'name: a\nname: b',
      'name: has: colon',
      '__proto__: x',
      'name: "q"',
    ]) {
      expect(parseSimpleBlock(declined), declined).toBeUndefined();
    }
  });
});

describe('frontmatter bomb (issue 12 item 7)', () => {
  it('refuses a frontmatter block above the cap without parsing it, quickly and with a clear reason', () => {
    const bomb = `---\nname: bomb\ndescription: "${'x'.repeat(8 * 1024 * 1024)}"\n---\nbody\n`;
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const verdict = validateSkillMd(Buffer.from(bomb));
    expect(verdict).toEqual({ ok: false, reason: 'SKILL.md frontmatter is larger than 64 KiB' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('an unclosed block is body, as Kimi reads it, however long', () => {
    expect(validateSkillMd(Buffer.from(`---\n${'line\n'.repeat(20_000)}`))).toEqual({ ok: true });
  });
});
