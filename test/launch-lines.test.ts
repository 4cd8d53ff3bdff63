/**
 * Every launch line of the daemon carries the node flags V8 only reads at start-up (src/node-flags.ts). The
 * bin's shebang stays `#!/usr/bin/env node`: `env -S`, needed for a flag there, is missing from BusyBox.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS, memoryReducerOn } from '../src/node-flags.ts';

const file = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

/** The node arguments of a command line that runs `bin/hero-team.js serve`. */
function nodeArgs(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const node = words.indexOf('node');
  const bin = words.findIndex((w) => w.endsWith('bin/hero-team.js'));
  expect(node, `no node in ${JSON.stringify(command)}`).toBeGreaterThanOrEqual(0);
  expect(bin, `no bin/hero-team.js in ${JSON.stringify(command)}`).toBeGreaterThan(node);
  expect(words.slice(bin + 1), command).toEqual(['serve']);
  return words.slice(node + 1, bin);
}

describe('launch lines', () => {
  const lines: Record<string, string> = {
    'npm start': (JSON.parse(file('package.json')) as { scripts: Record<string, string> }).scripts.start!,
    'deploy/hero_proc.toml': (parse(file('deploy/hero_proc.toml')) as { service: { command: string } }).service.command,
    'deploy/hero_team.service': /^ExecStart=(.*)$/m.exec(file('deploy/hero_team.service'))![1]!,
  };

  it.each(Object.keys(lines))('%s starts node with every DAEMON_NODE_FLAGS flag', (name) => {
    const args = nodeArgs(lines[name]!);
    for (const flag of DAEMON_NODE_FLAGS) expect(args, name).toContain(flag);
    expect(memoryReducerOn(args), name).toBe(false);
  });
});

describe('memoryReducerOn', () => {
  it('is on unless the last memory-reducer flag turns it off, in any spelling, and ignores its sibling flags', () => {
    expect(memoryReducerOn([])).toBe(true);
    expect(memoryReducerOn(['--no-memory-reducer'])).toBe(false);
    expect(memoryReducerOn(['--no_memory_reducer'])).toBe(false);
    expect(memoryReducerOn(['--nomemory-reducer'])).toBe(false);
    expect(memoryReducerOn(['--no-memory-reducer', '--memory-reducer'])).toBe(true);
    expect(memoryReducerOn(['--no-memory-reducer-single-gc', '--memory-reducer-for-small-heaps'])).toBe(true);
    expect(memoryReducerOn(['--max-old-space-size=512'])).toBe(true);
  });
});
