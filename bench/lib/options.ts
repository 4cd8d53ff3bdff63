/** Command-line options of the benchmarks and the sizes of the full and quick runs. */
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';

/** Sizes of one benchmark run. */
export interface BenchOptions {
  quick: boolean;
  /** Keep the temp trees (for inspection). */
  keep: boolean;
  /** Which measurements to run (default all). */
  only: Set<string>;
  /** Cold/no-op: roles × whitelisted skills out of a registry of `registrySkills`. */
  roles: number;
  skillsPerRole: number;
  registrySkills: number;
  /** Repeats of each cold/no-op timing (the median is reported). */
  repeats: number;
  /** Propagation and revert samples per debounce setting. */
  samples: number;
  /** Debounce settings the propagation bench runs with (the daemon default first). */
  debounces: number[];
  /** Memory bench: registry size and roles. */
  memSkills: number;
  memRoles: number;
  memSkillsPerRole: number;
  /** Idle CPU window, seconds. */
  idleSeconds: number;
  /** Extra node flags for every bench daemon (memory, propagation, trace), after DAEMON_NODE_FLAGS (`--daemon-node-args=--memory-reducer`). */
  daemonNodeArgs: string[];
  /** Memory bench: run the daemon's sources through tsx instead of the bundle (`--from-sources`). */
  fromSources: boolean;
  /** Daemons run in low-memory mode (HERO_TEAM_LOW_MEMORY=1: V8 flags that trade latency for RSS). */
  lowMemory: boolean;
}

/** Parse argv (`--quick`, `--keep`, `--only=cold,propagation,memory,api`, `--samples=N`, `--repeats=N`, `--debounces=100,0`, `--mem-skills=N` (registry size of the memory bench), `--idle-seconds=N`, `--from-sources`, `--daemon-node-args=...`). */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = flag('quick');
  const only = new Set((value('only') ?? 'cold,propagation,memory,api').split(',').filter(Boolean));
  const base: BenchOptions = quick
    ? {
        quick,
        keep: false,
        only,
        roles: 40,
        skillsPerRole: 25,
        registrySkills: 400,
        repeats: 3,
        samples: 30,
        debounces: [100],
        memSkills: 10_000,
        memRoles: 100,
        memSkillsPerRole: 50,
        idleSeconds: 10,
        daemonNodeArgs: [],
        fromSources: false,
        lowMemory: false,
      }
    : {
        quick,
        keep: false,
        only,
        roles: 100,
        skillsPerRole: 50,
        registrySkills: 1000,
        repeats: 5,
        samples: 200,
        debounces: [100, 0],
        memSkills: 10_000,
        memRoles: 100,
        memSkillsPerRole: 50,
        idleSeconds: 30,
        daemonNodeArgs: [],
        fromSources: false,
        lowMemory: false,
      };
  base.keep = flag('keep');
  base.fromSources = flag('from-sources');
  base.lowMemory = flag('low-memory');
  base.daemonNodeArgs = (value('daemon-node-args') ?? '').split(' ').filter(Boolean);
  if (value('samples')) base.samples = Number(value('samples'));
  if (value('repeats')) base.repeats = Number(value('repeats'));
  if (value('mem-skills')) base.memSkills = Number(value('mem-skills'));
  if (value('idle-seconds')) base.idleSeconds = Number(value('idle-seconds'));
  if (value('debounces')) base.debounces = value('debounces')!.split(',').map(Number);
  return base;
}

/**
 * The node flags a bench daemon starts with: those of `npm start` (DAEMON_NODE_FLAGS), except in a low-memory
 * run, which starts as docs/user-guide.md says for that mode (without `--no-memory-reducer`); then
 * `--daemon-node-args`, which come later and so win.
 */
export function daemonNodeArgs(opts: BenchOptions): string[] {
  return [...(opts.lowMemory ? [] : DAEMON_NODE_FLAGS), ...opts.daemonNodeArgs];
}

/** The shell command that reproduces a measurement. */
export function reproduce(script: string, opts: BenchOptions): string {
  return `npx tsx bench/${script}${opts.quick ? ' --quick' : ''}`;
}
