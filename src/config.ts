/** Daemon and CLI options from the environment (DESIGN §3), validated with zod. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { KIMI_TARGETS } from './desired/schema.ts';
import { InputError } from './errors.ts';
import { HELPER_NICE } from './helper-threads.ts';

/** Every root the program touches; tests inject temporary ones. */
export interface Paths {
  /** State dir: store.json, backups, secrets.env, services.json. */
  home: string;
  /** The skills registry (read-only). */
  skillsDir: string;
  /** Output root: one directory per role. */
  rolesDir: string;
  /** Socket dir (hero_team/rpc.sock lives under it). */
  socketDir: string;
}

/** Tunables of the controllers. */
export interface Tuning {
  debounceMs: number;
  resyncMs: number;
  concurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Trade latency for memory in the daemon (V8 flags in main.ts); off by default. */
  lowMemory: boolean;
  /** Backup retention per role (controllers/backup-retention.ts); absent: the generous default. */
  retention?: { keep: number; maxAgeDays: number };
}

/** Live service discovery (observed/discovery): where the list is polled, and how often. */
export interface DiscoveryConfig {
  /** `off`, an http(s) URL, or `unix:<socket>[:<path>]`. */
  target: string;
  intervalMs: number;
  /** Set by the user (HERO_TEAM_DISCOVERY); the default socket may simply not exist where there is no hero_router. */
  explicit: boolean;
}

/** The optional TCP listener of the API (the unix socket is always on). */
export interface TcpConfig {
  port: number;
  /** 127.0.0.1 unless HERO_TEAM_HOST says otherwise (then `token` is set). */
  host: string;
  /** Bearer token (HERO_TEAM_TOKEN); a secret: never logged. */
  token?: string;
}

/** Complete runtime configuration. */
export interface Config {
  paths: Paths;
  tuning: Tuning;
  logLevel: string;
  /** Live service discovery; hero_router's socket under HERO_SOCKET_DIR unless HERO_TEAM_DISCOVERY says otherwise. */
  discovery?: DiscoveryConfig;
  /** TCP listener, when HERO_TEAM_PORT is set. */
  tcp?: TcpConfig;
  /** Nice value of the daemon's helper threads (helper-threads.ts); 0 leaves them as they are. */
  helperNice?: number;
}

/**
 * A whole number from the environment, `fallback` when unset. Empty or blank counts as unset: an empty
 * `Environment=` line in a unit file must not turn into 0 (no backups kept, no debounce, helpers not lowered).
 */
const intFromEnv = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z
        .string()
        .trim()
        .regex(/^\d+$/, 'expected a whole number')
        .transform(Number)
        .pipe(z.number().min(min).max(max))
        .optional(),
    )
    .transform((n) => n ?? fallback);

const EnvSchema = z.object({
  HOME: z.string().optional(),
  XDG_DATA_HOME: z.string().optional(),
  HERO_TEAM_HOME: z.string().min(1).optional(),
  HERO_SKILLS_DIR: z.string().min(1).optional(),
  KIMI_ROLES_DIR: z.string().min(1).optional(),
  HERO_SOCKET_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  HERO_TEAM_DEBOUNCE_MS: intFromEnv(0, 100),
  HERO_TEAM_RESYNC_MS: intFromEnv(1000, 600_000),
  HERO_TEAM_CONCURRENCY: intFromEnv(1, 16),
  HERO_TEAM_BACKOFF_BASE_MS: intFromEnv(1, 1000),
  HERO_TEAM_BACKOFF_MAX_MS: intFromEnv(1, 300_000),
  HERO_TEAM_LOW_MEMORY: z.enum(['0', '1']).default('0'),
  HERO_TEAM_BACKUP_KEEP: intFromEnv(0, 100),
  HERO_TEAM_BACKUP_MAX_AGE_DAYS: intFromEnv(0, 90),
  HERO_TEAM_DISCOVERY: z.string().min(1).optional(),
  HERO_TEAM_DISCOVERY_INTERVAL_MS: intFromEnv(100, 30_000),
  HERO_TEAM_HELPER_NICE: intFromEnv(0, HELPER_NICE, 19),
  // Read where it applies (desired/kimi-target.ts); checked here so a bad value stops the start with a clear error.
  HERO_TEAM_KIMI_TARGET: z.union([z.literal(''), z.enum(KIMI_TARGETS)]).optional(),
  HERO_TEAM_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HERO_TEAM_HOST: z.string().min(1).optional(),
  HERO_TEAM_TOKEN: z.string().optional(),
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Shortest accepted HERO_TEAM_TOKEN. */
export const MIN_TOKEN_LENGTH = 16;

/** The TCP listener settings; a non-loopback host needs a token, and a host or token without a port is a mistake. */
function tcpConfig(e: z.output<typeof EnvSchema>): TcpConfig | undefined {
  const token = e.HERO_TEAM_TOKEN === '' ? undefined : e.HERO_TEAM_TOKEN;
  if (e.HERO_TEAM_PORT === undefined) {
    if (e.HERO_TEAM_HOST !== undefined)
      throw new InputError(
        'HERO_TEAM_HOST',
        'HERO_TEAM_HOST is set but HERO_TEAM_PORT is not: set the port to listen on TCP, or unset the host',
      );
    return undefined;
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH)
    throw new InputError('HERO_TEAM_TOKEN', `HERO_TEAM_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  const host = e.HERO_TEAM_HOST ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && token === undefined) {
    throw new InputError(
      'HERO_TEAM_TOKEN',
      `HERO_TEAM_HOST=${host} listens beyond loopback: set HERO_TEAM_TOKEN too (every request but /healthz must then carry it as a bearer token)`,
    );
  }
  return { port: e.HERO_TEAM_PORT, host: host === '[::1]' ? '::1' : host, ...(token !== undefined ? { token } : {}) };
}

/** Resolve the configuration from an environment (process.env in main, a literal in tests). */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(String(issue.path[0]), `environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const home = e.HOME ?? homedir();
  const dataHome = e.XDG_DATA_HOME ?? join(home, '.local', 'share');
  return {
    paths: {
      home: resolve(e.HERO_TEAM_HOME ?? join(dataHome, 'hero_team')),
      skillsDir: resolve(e.HERO_SKILLS_DIR ?? join(home, 'hero', 'code', 'hero_skills', 'skills')),
      rolesDir: resolve(e.KIMI_ROLES_DIR ?? join(home, '.kimi', 'roles')),
      socketDir: resolve(e.HERO_SOCKET_DIR ?? join(home, 'hero', 'var', 'sockets')),
    },
    tuning: {
      debounceMs: e.HERO_TEAM_DEBOUNCE_MS,
      resyncMs: e.HERO_TEAM_RESYNC_MS,
      concurrency: e.HERO_TEAM_CONCURRENCY,
      backoffBaseMs: e.HERO_TEAM_BACKOFF_BASE_MS,
      backoffMaxMs: e.HERO_TEAM_BACKOFF_MAX_MS,
      lowMemory: e.HERO_TEAM_LOW_MEMORY === '1',
      retention: { keep: e.HERO_TEAM_BACKUP_KEEP, maxAgeDays: e.HERO_TEAM_BACKUP_MAX_AGE_DAYS },
    },
    logLevel: e.LOG_LEVEL,
    discovery: {
      target:
        e.HERO_TEAM_DISCOVERY ??
        `unix:${join(resolve(e.HERO_SOCKET_DIR ?? join(home, 'hero', 'var', 'sockets')), 'hero_router', 'rpc.sock')}:/mcp/services`,
      intervalMs: e.HERO_TEAM_DISCOVERY_INTERVAL_MS,
      explicit: e.HERO_TEAM_DISCOVERY !== undefined,
    },
    tcp: tcpConfig(e),
    helperNice: e.HERO_TEAM_HELPER_NICE,
  };
}

/** Well-known files under the state dir. */
export function statePaths(home: string) {
  return {
    store: join(home, 'store.json'),
    storeLock: join(home, 'store.json.lock'),
    secrets: join(home, 'secrets.env'),
    services: join(home, 'services.json'),
    /** User agent presets, one directory each (desired/presets.ts). */
    presets: join(home, 'presets'),
    /** The last good list of live service discovery (holds secrets: 0600). */
    discoveryCache: join(home, 'cache', 'discovered-services.json'),
    /** The last valid services catalog (0600), in force while services.json is invalid. */
    servicesLastGood: join(home, 'services.last-good.json'),
    backups: join(home, 'backups'),
  };
}
