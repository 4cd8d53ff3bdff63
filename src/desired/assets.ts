/** Where the package's built-in assets (presets, hook scripts) are: `<package root>/assets`, from src/ or dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/**
 * The assets directory. The sources (src/desired/) and the bundle (dist/) sit at different depths, so it is
 * found by walking up from this module to the first directory holding `assets/presets`.
 */
export function assetsDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'assets');
    if (existsSync(join(candidate, 'presets'))) return (found = candidate);
    const up = dirname(dir);
    if (up === dir) throw new Error(`hero_team assets not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
