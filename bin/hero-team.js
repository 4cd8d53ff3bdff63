#!/usr/bin/env node
// Entry point of the `hero-team` command. Runs dist/hero-team.js, the bundle of src/ that
// `npm run build` writes (`npm start` and `npm test` build first), but only while it was built from
// exactly the current sources (scripts/fingerprint.js); otherwise, or with HERO_TEAM_FROM_SOURCES=1,
// it runs the TypeScript sources through tsx as before. The bundle saves tsx's loader (~34 MB of RSS
// on Node 20, where its hooks get their own thread) and ~0.4 s of start-up.
import { pathToFileURL } from 'node:url';
import { freshBundle } from '../scripts/fingerprint.js';

const bundle = freshBundle();
let runCli;
if (bundle) {
  ({ runCli } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../src/cli/main.ts'));
}
const code = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
