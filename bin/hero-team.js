#!/usr/bin/env node
// Entry point of the `hero-team` command. Runs dist/hero-team.js, the bundle of src/ that
// `npm run build` writes (`npm start` and `npm test` build first), but only while it was built from
// exactly the current sources (scripts/fingerprint.js); otherwise, or with HERO_TEAM_FROM_SOURCES=1,
// it runs the TypeScript sources through tsx. The bundle spares tsx's loader thread and start-up.
//
// CommonJS (bin/package.json), unlike the rest of the package: an ES module entry is itself read through
// libuv's thread pool, which fixes the pool's size before any line of it runs. Here the pool size can still
// be chosen: 16 threads unless UV_THREADPOOL_SIZE is a positive integer (libuv would read an empty or bad
// value as 1 thread), so the fsyncs of the roles one edit wakes overlap
// (docs/decisions/007-bundle-and-thread-pool.md).
'use strict';
if (!/^[1-9][0-9]*$/.test(process.env.UV_THREADPOOL_SIZE ?? '')) process.env.UV_THREADPOOL_SIZE = '16';

// A reader that went away (`hero-team skill list | head`) ends the output quietly: no stack trace, and nothing
// reported on the broken stream itself. The command still finishes what it started (a sync completes its writes).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED')) return;
    throw err;
  });
}

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

let settled = false;
main().then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err) => {
    settled = true;
    console.error(err);
    process.exitCode = 1;
  },
);
// Nothing left to wait for while the command has not finished (a promise that can never settle): fail, as
// an unsettled top-level await does (13), rather than exit 0 and look done to a supervisor.
process.on('beforeExit', () => {
  if (settled) return;
  console.error('hero-team: exited with the command unfinished');
  process.exitCode = 13;
});
