/** The target in force: HERO_TEAM_KIMI_TARGET, else the store, else kimi-code; key mode defaults to named keys. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { resolveTarget } from '../../src/desired/kimi-target.ts';
import { InputError } from '../../src/errors.ts';

describe('resolveTarget', () => {
  it('defaults a new install to kimi-code with named keys', () => {
    expect(resolveTarget({}, {})).toEqual({ target: 'kimi-code', keys: 'env', source: 'default' });
    expect(resolveTarget(undefined, { HERO_TEAM_KIMI_TARGET: '' })).toEqual({
      target: 'kimi-code',
      keys: 'env',
      source: 'default',
    });
  });

  it('takes the store, and the environment over it', () => {
    expect(resolveTarget({ kimiTarget: 'kimi-cli' }, {})).toEqual({
      target: 'kimi-cli',
      keys: 'config',
      source: 'store',
    });
    expect(resolveTarget({ kimiTarget: 'kimi-cli' }, { HERO_TEAM_KIMI_TARGET: 'kimi-code' })).toEqual({
      target: 'kimi-code',
      keys: 'env',
      source: 'env',
    });
    expect(resolveTarget({ kimiKeys: 'config' }, {})).toMatchObject({ target: 'kimi-code', keys: 'config' });
  });

  it('keeps keys in the file for kimi-cli, which has no api_key_env', () => {
    expect(resolveTarget({ kimiTarget: 'kimi-cli', kimiKeys: 'env' }, {}).keys).toBe('config');
  });

  it('names the variable of a bad value, here and at start-up', () => {
    expect(() => resolveTarget({}, { HERO_TEAM_KIMI_TARGET: 'kimi' })).toThrow(InputError);
    expect(() => resolveTarget({}, { HERO_TEAM_KIMI_TARGET: 'kimi' })).toThrow(
      /HERO_TEAM_KIMI_TARGET: expected one of kimi-code, kimi-cli, got "kimi"/,
    );
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_KIMI_TARGET: 'kimi' })).toThrow(/HERO_TEAM_KIMI_TARGET/);
  });
});
