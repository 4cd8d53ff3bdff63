/** Which Kimi client an installation targets, and where provider keys go: settings, environment override, defaults. */
import { InputError } from '../errors.ts';
import { KEY_MODES, type KeyMode, KIMI_TARGETS, type KimiTargetId, type Settings } from './schema.ts';

/** Environment variable that overrides the stored target (for one process: a daemon, a sync, a test). */
export const TARGET_ENV = 'HERO_TEAM_KIMI_TARGET';
/** A store without a target (a new install) renders for Kimi Code 2.x: the Python kimi-cli is being wound down. */
export const DEFAULT_TARGET: KimiTargetId = 'kimi-code';
/**
 * Keys are named (`api_key_env`) by default: no key sits in a role directory, its backups or a copied role
 * home, a rotated key needs no re-render, and each role home works without its own `/login`. The cost: kimi
 * must be launched with the key in its environment (`hero-team run` does that).
 */
export const DEFAULT_KEY_MODE: KeyMode = 'env';

/** The target and key mode in force, with where the target came from. */
export interface TargetChoice {
  target: KimiTargetId;
  /** `config` for the legacy target, which has no `api_key_env`. */
  keys: KeyMode;
  source: 'env' | 'store' | 'default';
}

/** The target: HERO_TEAM_KIMI_TARGET, else the store's setting, else kimi-code; InputError for a bad variable. */
export function resolveTarget(settings: Settings | undefined, env: NodeJS.ProcessEnv): TargetChoice {
  const fromEnv = env[TARGET_ENV];
  let target: KimiTargetId;
  let source: TargetChoice['source'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isTargetId(fromEnv))
      throw new InputError(
        TARGET_ENV,
        `environment variable ${TARGET_ENV}: expected one of ${KIMI_TARGETS.join(', ')}, got "${fromEnv}"`,
      );
    target = fromEnv;
    source = 'env';
  } else if (settings?.kimiTarget) {
    target = settings.kimiTarget;
    source = 'store';
  } else {
    target = DEFAULT_TARGET;
    source = 'default';
  }
  const keys = target === 'kimi-cli' ? 'config' : (settings?.kimiKeys ?? DEFAULT_KEY_MODE);
  return { target, keys, source };
}

/** True for a known target name. */
export function isTargetId(value: string): value is KimiTargetId {
  return (KIMI_TARGETS as readonly string[]).includes(value);
}

/** True for a known key mode. */
export function isKeyMode(value: string): value is KeyMode {
  return (KEY_MODES as readonly string[]).includes(value);
}
