/**
 * Fingerprint of what the bundle `dist/hero-team.js` is built from, so `bin/hero-team.js` never runs a
 * stale build: every file under `src/` (relative path and contents), plus the files the build itself
 * depends on (this file, scripts/build.js, tsconfig.json, package.json) and the package.json of every
 * dependency bundled into it (its version). Plain JavaScript with no dependencies: the bin loads it
 * before deciding whether tsx is needed, on every command.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is `<root>/scripts/fingerprint.js`). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The bundle and its build record. */
export const BUNDLE = join(ROOT, 'dist', 'hero-team.js');
export const BUILD_INFO = join(ROOT, 'dist', 'build-info.json');
/** Files outside src/ that change what the build produces (relative to the root). */
export const BUILD_INPUTS = ['scripts/fingerprint.js', 'scripts/build.js', 'tsconfig.json', 'package.json'];

/** Hash of the sources and `extraFiles` (relative to the root); a missing file hashes as missing. */
export function fingerprint(extraFiles = []) {
  const hash = createHash('sha256');
  const add = (rel) => {
    let bytes;
    try {
      bytes = readFileSync(join(ROOT, rel));
    } catch {
      hash.update(`${rel}\0missing\0`);
      return;
    }
    hash.update(`${rel}\0${bytes.length}\0`);
    hash.update(bytes);
  };
  const walk = (rel) => {
    const entries = readdirSync(join(ROOT, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else add(child); // files and symlinks alike: a symlink is hashed through its target
    }
  };
  walk('src');
  for (const rel of [...BUILD_INPUTS, ...extraFiles]) add(rel);
  return hash.digest('hex');
}

/**
 * The bundle's path when it was built from exactly the current sources, else undefined (no build, a
 * build record from another tree, or any input changed since). `HERO_TEAM_FROM_SOURCES=1` forces
 * undefined.
 */
export function freshBundle(env = process.env) {
  if (env.HERO_TEAM_FROM_SOURCES === '1') return undefined;
  let info;
  try {
    info = JSON.parse(readFileSync(BUILD_INFO, 'utf8'));
  } catch {
    return undefined;
  }
  if (!info || typeof info.fingerprint !== 'string' || !Array.isArray(info.extraFiles)) return undefined;
  try {
    return fingerprint(info.extraFiles) === info.fingerprint ? BUNDLE : undefined;
  } catch {
    return undefined;
  }
}

/** Write a file by temp + rename, so a concurrent reader sees the old or the new bytes, never a partial file. */
export function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
