/** Disk versus desired for one role (pure): a unified diff per file, skills by name, secrets redacted on both sides. */
import { createTwoFilesPatch } from 'diff';

/** How a file on disk differs from what hero_team would write. */
export type FileChange =
  /** Missing on disk: sync writes it. */
  | 'added'
  /** Different bytes: sync writes it (backing up bytes that are not ours). */
  | 'modified'
  /** Same bytes, other permission bits. */
  | 'mode'
  /** No longer generated: sync deletes it. */
  | 'removed'
  /** A directory or link where the file should be: sync leaves it and reports it. */
  | 'conflict'
  /** Drift policy `report`: the hand edit stays, and desired changes stop reaching this file. */
  | 'held';

/** Both sides of one differing file, as read. */
export interface FileSides {
  path: string;
  change: FileChange;
  disk?: Buffer;
  desired?: Buffer;
  diskMode?: number;
  desiredMode?: number;
}

/** One differing file in the result. */
export interface FileDiff {
  path: string;
  change: FileChange;
  /** Unified diff (redacted); absent for binary or large files, mode-only changes and conflicts. */
  patch?: string;
  note?: string;
}

/** The difference for one role. */
export interface RoleDiff {
  role: string;
  converged: boolean;
  /** Files outside skills/ (config.toml, mcp.json, ...) and every file of a changed skill. */
  files: FileDiff[];
  skills: { added: string[]; removed: string[]; changed: string[] };
  /** Entries in skills/ neither whitelisted nor ours: Kimi loads them as skills. */
  strays: string[];
}

/** Redaction applied to a file's text before it is shown (path decides which rules apply). */
export type Redact = (path: string, text: string) => string;

/** Files larger than this are compared by size and md5 only. */
const MAX_DIFF_BYTES = 1 << 20;

/** Build the role's diff from the differing files. */
export function buildRoleDiff(
  role: string,
  sides: readonly FileSides[],
  strays: readonly string[],
  redact: Redact,
): RoleDiff {
  const files = [...sides]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((s) => diffFile(role, s, redact));
  return {
    role,
    converged: files.length === 0 && strays.length === 0,
    files,
    skills: skillChanges(sides),
    strays: [...strays].sort(),
  };
}

function diffFile(role: string, s: FileSides, redact: Redact): FileDiff {
  if (s.change === 'conflict')
    return { path: s.path, change: s.change, note: 'a directory or link is in the way; sync leaves it' };
  if (s.change === 'mode')
    return { path: s.path, change: s.change, note: `mode ${octal(s.diskMode)} -> ${octal(s.desiredMode)}` };
  const note =
    s.change === 'held'
      ? 'drift policy "report": your edit is kept and desired changes do not reach this file'
      : undefined;
  const disk = s.disk ?? Buffer.alloc(0);
  const desired = s.desired ?? Buffer.alloc(0);
  if (!isText(disk) || !isText(desired) || disk.length > MAX_DIFF_BYTES || desired.length > MAX_DIFF_BYTES) {
    return {
      path: s.path,
      change: s.change,
      note: [note, `binary or large file: ${disk.length} -> ${desired.length} bytes`].filter(Boolean).join('; '),
    };
  }
  const before = redact(s.path, disk.toString('utf8'));
  const after = redact(s.path, desired.toString('utf8'));
  const from = s.disk ? `disk/${role}/${s.path}` : '/dev/null';
  const to = s.desired ? `desired/${role}/${s.path}` : '/dev/null';
  if (before === after)
    return {
      path: s.path,
      change: s.change,
      note: [note, 'differs only in redacted values'].filter(Boolean).join('; '),
    };
  const patch = createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 });
  return { path: s.path, change: s.change, patch: patch.replace(/^=+\n/, ''), ...(note ? { note } : {}) };
}

/** Skills by name: added (nothing of it on disk), removed (no longer generated), changed (anything else). */
function skillChanges(sides: readonly FileSides[]): RoleDiff['skills'] {
  const bySkill = new Map<string, FileChange[]>();
  for (const s of sides) {
    const name = skillOf(s.path);
    if (name) (bySkill.get(name) ?? bySkill.set(name, []).get(name)!).push(s.change);
  }
  const out: RoleDiff['skills'] = { added: [], removed: [], changed: [] };
  for (const [name, changes] of [...bySkill].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (changes.every((c) => c === 'added')) out.added.push(name);
    else if (changes.every((c) => c === 'removed')) out.removed.push(name);
    else out.changed.push(name);
  }
  return out;
}

/** The skill a role path belongs to (`skills/<name>/...`), if any. */
export function skillOf(path: string): string | undefined {
  const m = /^skills\/([^/]+)\//.exec(path);
  return m?.[1];
}

function isText(b: Buffer): boolean {
  return !b.includes(0) && Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

function octal(mode: number | undefined): string {
  return mode === undefined ? '?' : `0${mode.toString(8)}`;
}

/**
 * A redaction for config.toml and mcp.json text: each known secret value becomes `<redacted:NAME>` wherever it
 * appears, and every TOML `api_key` string and mcp.json `env`/`headers` value is masked, known or not.
 */
export function secretRedactor(secrets: Readonly<Record<string, string>>, redactMcp: (text: string) => string): Redact {
  const known = Object.entries(secrets)
    .filter(([, v]) => v.length >= 4)
    .sort(([, a], [, b]) => b.length - a.length);
  return (path, text) => {
    let t = text;
    for (const [name, value] of known) t = t.split(value).join(`<redacted:${name}>`);
    if (path.endsWith('.toml')) t = t.replace(TOML_SECRET_VALUE, maskTomlValue);
    if (path === 'mcp.json' && t !== '') t = redactMcp(t);
    return t;
  };
}

/**
 * A TOML key that holds a secret (`api_key`, `*token*`, `*secret*`, `*password*`; bare, quoted, or the last part
 * of a dotted key, also inside an inline table) and its value: every string form (basic with escapes, literal,
 * multi-line), or a bare value up to the end of the line (invalid TOML a user may have typed).
 */
const TOML_SECRET_VALUE =
  /((?:^|[{,.])[ \t]*["']?[\w-]*(?:api_?key|token|secret|password)[\w-]*["']?[ \t]*=[ \t]*)("""[\s\S]*?(?:"""|$(?![\s\S]))|'{3}[\s\S]*?(?:'{3}|$(?![\s\S]))|"(?:\\.|[^"\\\n])*(?:"|$)|'[^'\n]*(?:'|$)|(?![-+]?\d|true\b|false\b|\[|\{)[^\s#,}][^\n#,}]*)/gim;

function maskTomlValue(_all: string, key: string, value: string): string {
  if (value.includes('<redacted')) return key + value;
  const quote = /^("""|'''|"|')/.exec(value)?.[1];
  return quote ? `${key}${quote}<redacted>${quote}` : `${key}<redacted>`;
}
