/** The package's root and version, found from this module (the sources and the bundle sit at different depths). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: { dir: string; version: string } | undefined | null;

function findRoot(): { dir: string; version: string } | undefined {
  if (root !== undefined) return root ?? undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'hero_team') return (root = { dir, version: pkg.version ?? 'unknown' });
    }
    const up = dirname(dir);
    if (up === dir) return void (root = null);
    dir = up;
  }
}

/** hero_team's version, e.g. `0.1.0` (`unknown` if no package.json of hero_team is found). */
export function packageVersion(): string {
  return findRoot()?.version ?? 'unknown';
}

/** The directory of hero_team's package.json (where `examples/` ships), if found. */
export function packageRoot(): string | undefined {
  return findRoot()?.dir;
}
