/** A role directory in a temp root for tests of apply and its sweep: desired files, a plan made as reconcile makes it. */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredFile, DesiredRole } from '../../src/controllers/artifacts.ts';
import { planRole } from '../../src/controllers/plan.ts';
import { readManifest } from '../../src/observed/manifest.ts';
import { observeRoleFiles } from '../../src/observed/role-dir.ts';
import { put } from './tree.ts';

/** A fresh temp root: role `backend`'s directory in it (not made yet), its backups and a registry of sources. */
export function tempRole(prefix: string): { root: string; dir: string; backupsDir: string; sourceDir: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    dir: join(root, 'roles', 'backend'),
    backupsDir: join(root, 'home', 'backups'),
    sourceDir: join(root, 'registry'),
  };
}

export const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

/** A desired file with inline bytes. */
export function bytesFile(path: string, text: string, mode = 0o600): DesiredFile {
  const bytes = Buffer.from(text);
  return { path, md5: md5(bytes), size: bytes.length, mode, source: { kind: 'bytes', bytes } };
}

/** A desired file copied from a source file written now under `sourceDir`. */
export function copyFileIn(sourceDir: string, path: string, text: string, mode = 0o644): DesiredFile {
  const from = join(sourceDir, path.replaceAll('/', '__'));
  put(from, text);
  return { path, md5: md5(text), size: Buffer.byteLength(text), mode, source: { kind: 'copy', from } };
}

/** Role `backend` at `dir` desiring `files`. */
export function desiredRoleIn(dir: string, files: DesiredFile[]): DesiredRole {
  const revision = md5(JSON.stringify(files.map((f) => [f.path, f.md5, f.mode])));
  return {
    role: 'backend',
    dir,
    files,
    keepPrefixes: [],
    revision,
    missingSecrets: [],
    missingRequiredSecrets: [],
    missingSkills: [],
    invalidSkills: [],
    missingServices: [],
  };
}

/** Read the manifest and the disk at `dir`, plan (pure) for `files` (null: role deleted). */
export async function planIn(dir: string, files: DesiredFile[] | null, driftPolicy: 'revert' | 'report' = 'revert') {
  const read = await readManifest(dir);
  const manifest = read.state === 'ok' ? read.manifest : null;
  const paths = new Set([...(files ?? []).map((f) => f.path), ...(manifest?.entries.map((e) => e.path) ?? [])]);
  const observed = await observeRoleFiles(dir, paths, manifest);
  return planRole({
    role: 'backend',
    dir,
    desired: files ? desiredRoleIn(dir, files) : null,
    manifest,
    observed,
    driftPolicy,
  });
}
