/** SKILL.md frontmatter split and validation, mirroring Kimi's detection and PyYAML `safe_load` typing. */
import { parseDocument, type ScalarTag, type YAMLError } from 'yaml';

/** Result of parsing a SKILL.md: `data` is null when there is no (or an empty) frontmatter block. */
export type FrontmatterResult =
  | { ok: true; data: Record<string, unknown> | null; body: string }
  | { ok: false; reason: string };

/** Largest frontmatter block read (characters): a bigger one is refused before any YAML is parsed. */
export const FRONTMATTER_MAX = 64 * 1024;
/** Largest SKILL.md read at all (bytes). */
export const SKILL_MD_MAX = 4 * 1024 * 1024;

/** Python `str.splitlines()` boundaries. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: YAML's line breaks include these control characters.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;
/** Python `str.strip()` whitespace (unlike JS `trim`, a BOM is not whitespace: a BOM defeats detection, as in Kimi). */
const PY_WS = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_WS}+|${PY_WS}+$`, 'g');
const PY_LEADING = new RegExp(`^${PY_WS}+`);

/** YAML 1.1 booleans PyYAML resolves that the YAML 1.2 core schema reads as strings (`name: yes` is `true` to Kimi). */
const pyBool: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:yes|Yes|YES|on|On|ON)$/.test(s),
};

/** One line of the text and the offset just after its terminator. */
interface Line {
  text: string;
  end: number;
}

/**
 * Split like Python `splitlines()`, keeping where each line ends in the source. Lazy: the frontmatter needs
 * only the lines up to its closing `---`, and a string per line of every SKILL.md body is garbage a registry
 * scan need not make.
 */
function* splitLines(text: string): Generator<Line, void, undefined> {
  let start = 0;
  for (const m of text.matchAll(LINE_BREAK)) {
    yield { text: text.slice(start, m.index), end: m.index + m[0].length };
    start = m.index + m[0].length;
  }
  if (start < text.length) yield { text: text.slice(start), end: text.length };
}

/** First error as `message at line L, column C` with L counted in the whole file. */
function describeError(err: YAMLError, firstLine: number): string {
  const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = err.linePos?.[0];
  return pos ? `${message} at line ${pos.line + firstLine - 1}, column ${pos.col}` : message;
}

/** A key or plain scalar that YAML (PyYAML's resolver and the core schema) can only read as this very string. */
const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const SIMPLE_VALUE = /^[A-Za-z][A-Za-z0-9 _.,()/-]*[A-Za-z0-9_.)/]$|^[A-Za-z]$/;
/** Words a resolver turns into booleans or null (a superset of PyYAML's and the core schema's, any case). */
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

/**
 * The common frontmatter, `key: value` lines of plain words, read without a YAML parser (a parse per skill
 * would dominate a cold registry scan). Anything else (quotes, colons, comments, indentation, lists, duplicate keys,
 * reserved words, empty lines) returns undefined and goes through the parser; a test checks both agree.
 */
export function parseSimpleBlock(block: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const sep = line.indexOf(': ');
    if (sep <= 0) return undefined;
    const key = line.slice(0, sep);
    const value = line.slice(sep + 2);
    if (!SIMPLE_KEY.test(key) || RESERVED.test(key) || key === '__proto__' || Object.hasOwn(out, key)) return undefined;
    if (!SIMPLE_VALUE.test(value) || RESERVED.test(value)) return undefined;
    out[key] = value;
  }
  return out;
}

type BlockResult = { ok: true; data: Record<string, unknown> | null } | { ok: false; reason: string };

/** Parse the YAML of a frontmatter block; `firstLine` is its 1-based line number in the file. */
function parseBlock(block: string, firstLine: number): BlockResult {
  const simple = parseSimpleBlock(block);
  return simple ? { ok: true, data: simple } : parseYamlBlock(block, firstLine);
}

/** The YAML parser's reading of a block (exported for the test that holds the simple reading to it). */
export function parseYamlBlock(block: string, firstLine = 2): BlockResult {
  const skipped = block.match(PY_LEADING)?.[0] ?? '';
  const start = firstLine + (skipped.match(LINE_BREAK)?.length ?? 0);
  const doc = parseDocument(block.replace(PY_STRIP, ''), {
    prettyErrors: true,
    customTags: [pyBool, 'timestamp'],
    merge: true,
  });
  const errors = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
  if (errors.length > 0)
    return { ok: false, reason: `frontmatter is not valid YAML: ${describeError(errors[0], start)}` };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    return { ok: false, reason: `frontmatter is not valid YAML: ${(err as Error).message}` };
  }
  if (data === null || data === undefined) return { ok: true, data: null };
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof Date || ArrayBuffer.isView(data)) {
    return { ok: false, reason: 'frontmatter is not a YAML mapping' };
  }
  return { ok: true, data: data as Record<string, unknown> };
}

/**
 * Split and parse SKILL.md frontmatter: present only when the stripped first line is `---` and a
 * later stripped line is `---`; no block (or an empty one) gives `data: null`, which is valid.
 */
export function parseFrontmatter(text: string): FrontmatterResult {
  const lines = splitLines(text);
  const first = lines.next();
  if (first.done || first.value.text.replace(PY_STRIP, '') !== '---') return { ok: true, data: null, body: text };
  const inside: string[] = [];
  let close: Line | undefined;
  let size = 0;
  for (const line of lines) {
    if (line.text.replace(PY_STRIP, '') === '---') {
      close = line;
      break;
    }
    size += line.text.length + 1;
    if (size <= FRONTMATTER_MAX) inside.push(line.text);
  }
  // Only a closed block is frontmatter (an unclosed one is body, as Kimi reads it); a closed one too large is refused.
  if (close && size > FRONTMATTER_MAX)
    return { ok: false, reason: `frontmatter is larger than ${FRONTMATTER_MAX / 1024} KiB` };
  if (!close) return { ok: true, data: null, body: text };
  const block = inside.join('\n');
  const body = text.slice(close.end);
  if (block.replace(PY_STRIP, '') === '') return { ok: true, data: null, body };
  const parsed = parseBlock(block, 2);
  return parsed.ok ? { ok: true, data: parsed.data, body } : parsed;
}

/** Kimi's verdict on a SKILL.md: usable (with its frontmatter description, if any) or skipped with a reason. */
export type SkillMdVerdict = { ok: true; description?: string } | { ok: false; reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Python truthiness, since Kimi treats falsy `name`/`description`/`type` values as absent. */
function isTruthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (ArrayBuffer.isView(v)) return v.byteLength > 0;
  if (v instanceof Date) return true;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Apply Kimi's SKILL.md rules: strict UTF-8, a valid frontmatter mapping, string name/description, known type. */
export function validateSkillMd(bytes: Uint8Array): SkillMdVerdict {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, reason: 'SKILL.md is not valid UTF-8' };
  }
  const fm = parseFrontmatter(text);
  if (!fm.ok) return { ok: false, reason: `SKILL.md ${fm.reason}` };
  const data = fm.data ?? {};
  for (const key of ['name', 'description']) {
    if (isTruthy(data[key]) && typeof data[key] !== 'string')
      return { ok: false, reason: `SKILL.md frontmatter ${key} is not a string` };
  }
  if (isTruthy(data.type) && data.type !== 'standard' && data.type !== 'flow') {
    return { ok: false, reason: 'SKILL.md frontmatter type is neither "standard" nor "flow"' };
  }
  const description = typeof data.description === 'string' && data.description !== '' ? data.description : undefined;
  return description === undefined ? { ok: true } : { ok: true, description };
}
