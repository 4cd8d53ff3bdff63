/** Results file and the printed table: figures, targets, pass/fail. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of bench/results/latest.json. */
export const LATEST = fileURLToPath(new URL('../results/latest.json', import.meta.url));

/** Nested figures, numbers at the leaves (null when not measured). */
export type Figures = { [k: string]: number | string | null | boolean | Figures | number[] };

/** Merge `figures` into latest.json (so a partial run keeps the other sections), returning the merged object. */
export function saveResults(figures: Figures): Figures {
  let previous: Figures = {};
  try {
    previous = JSON.parse(readFileSync(LATEST, 'utf8')) as Figures;
  } catch {
    // first run
  }
  const merged: Figures = { ...previous, ...figures };
  mkdirSync(dirname(LATEST), { recursive: true });
  writeFileSync(LATEST, JSON.stringify(merged, null, 2) + '\n');
  return merged;
}

/** One row of the summary table. */
export interface Row {
  figure: string;
  value: number | null | undefined;
  unit: string;
  target?: string;
  pass?: boolean;
  note?: string;
}

/** Render rows as a fixed-width table. */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.figure,
    r.value === null || r.value === undefined || Number.isNaN(r.value) ? '-' : `${r.value} ${r.unit}`.trim(),
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
    r.note ?? '',
  ]);
  const head = ['figure', 'value', 'target', 'result', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Get a nested number by dotted key (`cold.seconds`). */
export function pick(figures: Figures, key: string): number | null {
  let cur: unknown = figures;
  for (const k of key.split('.'))
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'number' ? cur : null;
}
