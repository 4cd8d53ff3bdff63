#!/usr/bin/env node
// Entry point of the `hero-team` command. Runs dist/hero-team.js, the bundle of src/ that
// `npm run build` writes (`npm start` and `npm test` build first), but only while it was built from
// exactly the current sources (scripts/fingerprint.js); otherwise, or with HERO_TEAM_FROM_SOURCES=1,
// it runs the TypeScript sources through tsx as before. The bundle saves tsx's loader (~34 MB of RSS
// on Node 20, where its hooks get their own thread) and ~0.4 s of start-up.
//
// CommonJS (bin/package.json), unlike the rest of the package: an ES module entry is itself read through
// libuv's thread pool, which fixes the pool's size before any line of it runs. Here the pool size can still
// be chosen: 16 threads unless UV_THREADPOOL_SIZE is set. The daemon's fsyncs, copies and renames run there;
// with the default 4, ten roles woken by one edit queue their fsyncs four at a time (propagation p50 ~45 vs
// ~36 ms, p95 ~70 vs ~51 ms at debounce 0; docs/performance.md). Threads are created once; a cold sync is
// unaffected.
'use strict';
process.env.UV_THREADPOOL_SIZE ??= '16';

async function main() {
  const { pathToFileURL } = require('node:url');
  const { freshBundle } = await import('../scripts/fingerprint.js');
  const bundle = freshBundle();
  let runCli;
  if (bundle) {
    ({ runCli } = await import(pathToFileURL(bundle).href));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ runCli } = await import('../src/cli/main.ts'));
  }
  return runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
