/** The shared tail of each bench script run on its own: options from argv, measure, save, clean up, print. */
import { fileURLToPath } from 'node:url';
import { cleanupAll } from './fixture.ts';
import { type BenchOptions, parseOptions, reproduce } from './options.ts';
import { type Figures, formatTable, type Row, saveResults } from './results.ts';

/** Run `bench` when `moduleUrl` is the script node was started with; `rows` turns its figures into the table. */
export async function runIfMain(
  moduleUrl: string,
  script: string,
  bench: (opts: BenchOptions) => Promise<Figures>,
  rows: (f: Figures) => Row[],
): Promise<void> {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const opts = parseOptions(process.argv.slice(2));
  const figures = await bench(opts);
  saveResults(figures);
  if (!opts.keep) cleanupAll();
  console.log(formatTable(rows(figures)));
  console.log(`reproduce: ${reproduce(script, opts)}`);
}
