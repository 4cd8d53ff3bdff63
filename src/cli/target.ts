/** `hero-team target [set kimi-code|kimi-cli|detect] [--keys env|config]`: the Kimi client roles are rendered for. */
import type { Config } from '../config.ts';
import { isKeyMode, isTargetId, resolveTarget, TARGET_ENV } from '../desired/kimi-target.ts';
import type { KeyMode, KimiTargetId } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { checkKimiMatchesTarget, detectKimiTarget } from '../observed/kimi-install.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';
import { loadStoreFor, mutateStoreFor } from './store-access.ts';

/** Show the target in force, or store a new one (every role is re-rendered by the next sync or the daemon). */
export const target = defineCommand({
  name: 'target',
  summary: 'the Kimi client roles are rendered for (kimi-code or kimi-cli), and where keys go',
  usage: '[set kimi-code|kimi-cli|detect] [--keys env|config]',
  description:
    'Without arguments: the target in force, where it comes from, and whether the kimi on PATH matches it. ' +
    '"set" stores it (detect: the kimi on PATH; none means kimi-code); every role is re-rendered. ' +
    `${TARGET_ENV} overrides the stored target for one process. --keys env names keys (api_key_env, the default); --keys config writes them into config.toml.`,
  options: {
    keys: {
      type: 'string',
      value: 'MODE',
      description: 'env (api_key_env, key supplied at launch) or config (key written into config.toml)',
    },
  },
  positionals: { min: 0, max: 2 },
  examples: ['target', 'target set kimi-code', 'target set detect', 'target set --keys config'],
  async run({ values, positionals, io, config }) {
    if (values.keys !== undefined && !isKeyMode(values.keys))
      throw new InputError('keys', '--keys must be env or config');
    if (positionals.length === 0 && values.keys === undefined) return show(io, config);
    if (positionals[0] !== 'set')
      throw new InputError('target', 'usage: hero-team target [set kimi-code|kimi-cli|detect] [--keys env|config]');
    const wanted = positionals[1];
    if (wanted !== undefined && wanted !== 'detect' && !isTargetId(wanted))
      throw new InputError('target', `target must be kimi-code, kimi-cli or detect, got "${wanted}"`);
    const chosen: KimiTargetId | undefined =
      wanted === 'detect' ? (await detectKimiTarget(io.env)).target : (wanted as KimiTargetId | undefined);
    const keys = values.keys as KeyMode | undefined;
    const stored = await mutateStoreFor(config, (data) => ({
      ...data,
      settings: { ...data.settings, ...(chosen ? { kimiTarget: chosen } : {}), ...(keys ? { kimiKeys: keys } : {}) },
    }));
    out(
      io,
      `target: ${stored.settings.kimiTarget ?? 'kimi-code (default)'}${keys ? `, keys: ${keys}` : ''} (stored); run "hero-team sync" or keep "hero-team serve" running to re-render every role`,
    );
    if (io.env[TARGET_ENV]) out(io, `note: ${TARGET_ENV}=${io.env[TARGET_ENV]} overrides it in this environment`);
    return EXIT.ok;
  },
});

async function show(io: CliIo, config: Config): Promise<number> {
  const store = await loadStoreFor(config);
  const choice = resolveTarget(store.settings, io.env);
  const from = { env: `from ${TARGET_ENV}`, store: 'from the store', default: 'default' }[choice.source];
  out(io, `target: ${choice.target} (${from})`);
  out(
    io,
    `keys:   ${choice.keys === 'env' ? 'env (api_key_env: supplied at launch, never written)' : 'config (written into config.toml)'}`,
  );
  const { install } = await detectKimiTarget(io.env);
  const check = checkKimiMatchesTarget(choice.target, install);
  out(io, `kimi:   ${check.message}${check.fix ? `\n        fix: ${check.fix}` : ''}`);
  return EXIT.ok;
}
