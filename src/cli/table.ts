/** Plain text tables for CLI listings. */
import { type CliIo, EXIT, out } from './io.ts';

/** Rows (the first is the header) as lines with columns padded to their widest cell. */
export function tableLines(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** A listing's rows as JSON (`json`), else as a table of `header` and each row's `cells`. */
export function printListing<R>(
  io: CliIo,
  json: boolean | undefined,
  rows: readonly R[],
  header: readonly string[],
  cells: (row: R) => string[],
): number {
  if (json) out(io, JSON.stringify(rows, null, 2));
  else for (const line of tableLines([header, ...rows.map(cells)])) out(io, line);
  return EXIT.ok;
}
