/** Named error classes that carry data (role, path, code) instead of formatted strings only. */

/** Base class: every hero_team error has a stable code. */
export class HeroTeamError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** store.json cannot be parsed or validated; the file is kept as it is. */
export class StoreError extends HeroTeamError {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly position?: { line: number; column: number },
  ) {
    super('STORE_INVALID', `${path}${position ? `:${position.line}:${position.column}` : ''}: ${detail}`);
  }
}

/** Another process holds the store lock. */
export class StoreLockedError extends HeroTeamError {
  constructor(
    readonly path: string,
    readonly holderPid: number | undefined,
  ) {
    super('STORE_LOCKED', `${path} is locked${holderPid ? ` by pid ${holderPid}` : ''}; try again`);
  }
}

/** User input (flags, params) is invalid; nothing was changed. */
export class InputError extends HeroTeamError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('INPUT_INVALID', message);
  }
}

/** A role's spec cannot be rendered (unknown model, provider...): the role is Stalled until its spec changes. */
export class InvalidSpecError extends HeroTeamError {
  constructor(
    readonly role: string,
    message: string,
  ) {
    super('SPEC_INVALID', `role "${role}": ${message}`);
  }
}

/** A role that does not exist in the store. */
export class RoleNotFoundError extends HeroTeamError {
  constructor(readonly role: string) {
    super('ROLE_NOT_FOUND', `role "${role}" does not exist`);
  }
}

/** A file operation failed during apply. */
export class ApplyError extends HeroTeamError {
  constructor(
    readonly role: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(
      'APPLY_FAILED',
      `role "${role}": could not write ${path}: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`,
      options,
    );
  }
}

/** A role directory that is a symlink (or not a directory): a conflict; nothing is read or written through it. */
export class RoleDirConflictError extends HeroTeamError {
  constructor(
    readonly role: string,
    readonly path: string,
    detail: string,
  ) {
    super(
      'ROLE_DIR_CONFLICT',
      `role "${role}": ${path} ${detail}: refused as a conflict, nothing is written or pruned through it; replace it with a real directory`,
    );
  }
}

/** A source file (services.json, secrets.env) is invalid; the last valid content stays in force. */
export class SourceError extends HeroTeamError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super('SOURCE_INVALID', `${path}: ${detail}`);
  }
}

/** Message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An agent preset (built-in or under HERO_TEAM_HOME/presets) is missing a file or breaks Kimi's loader rules. */
export class PresetError extends HeroTeamError {
  constructor(
    readonly preset: string,
    readonly path: string,
    detail: string,
  ) {
    super('PRESET_INVALID', `preset "${preset}": ${path}: ${detail}`);
  }
}
