/** JSON parse errors reported by line and column, never by quoting the text (it may hold a secret). */

/** The parser's message without the position (reported separately) or the echoed source (it may hold a secret). */
export function cleanJsonMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
}

/**
 * Line and column (1-based) of a JSON.parse error. Node 20 says "at position N", Node 22+
 * adds "(line L column C)"; "Unexpected end of JSON input" points after the last token, and
 * V8's position-less "Unexpected token" messages are located by parsing prefixes.
 */
export function jsonErrorPosition(message: string, text: string): { line: number; column: number } | undefined {
  const pos = /at position (\d+)/.exec(message);
  if (pos) return offsetToLineColumn(text, Number(pos[1]));
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  if (/Unexpected end of JSON input/.test(message)) return offsetToLineColumn(text, text.trimEnd().length);
  const offset = findErrorOffset(text);
  return offset === undefined ? undefined : offsetToLineColumn(text, offset);
}

/**
 * Offset of the first character JSON.parse rejects: the shortest failing prefix ends with it.
 * A prefix of well-formed text only ever fails with "end of input" or at its own end, so
 * "fails before its end" is monotonic in the prefix length and can be bisected.
 */
function findErrorOffset(text: string): number | undefined {
  const failsWithin = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (err) {
      const message = (err as Error).message;
      if (/Unexpected end of JSON input/.test(message)) return false;
      const pos = /at position (\d+)/.exec(message);
      return pos ? Number(pos[1]) < n : true;
    }
  };
  if (!failsWithin(text.length)) return undefined;
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsWithin(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** 1-based line and column (in UTF-16 units, like the parser's offsets) of an offset in text. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}
