/** `hero-team model add ALIAS --provider P --model-id ID --context N`: a custom model alias. */
import { CAPABILITIES } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { parsePositiveInt, splitList } from './args.ts';
import { addModel } from './catalog-store.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';

/** Add a model alias to the catalog. */
export const modelAdd = defineCommand({
  name: 'model add',
  summary: 'add a custom model alias (on a built-in or custom provider)',
  usage: 'ALIAS --provider P --model-id ID --context N [--capabilities thinking,image_in,...] [--display-name TEXT]',
  description:
    'The alias is what roles name ("role add NAME --model ALIAS"); the model id is what the provider\'s API calls it.',
  options: {
    provider: { type: 'string', value: 'P', description: 'provider name ("hero-team provider list")' },
    'model-id': { type: 'string', value: 'ID', description: "the provider's model id" },
    context: { type: 'string', value: 'N', description: 'max context size in tokens' },
    capabilities: { type: 'string', value: 'LIST', description: `comma-separated: ${CAPABILITIES.join(', ')}` },
    'display-name': { type: 'string', value: 'TEXT', description: 'name shown by Kimi' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['model add openrouter/kimi-k2 --provider openrouter --model-id moonshotai/kimi-k2 --context 131072'],
  async run({ values, positionals, io, config }) {
    const alias = positionals[0]!;
    for (const flag of ['provider', 'model-id', 'context'] as const)
      if (values[flag] === undefined)
        throw new InputError(flag, `--${flag} is required; see "hero-team model add --help"`);
    const capabilities = [...new Set(splitList(values.capabilities) ?? [])];
    const bad = capabilities.filter((c) => !(CAPABILITIES as readonly string[]).includes(c));
    if (bad.length)
      throw new InputError(
        'capabilities',
        `unknown capabilities ${bad.join(', ')}; Kimi accepts ${CAPABILITIES.join(', ')}`,
      );
    await addModel(config, alias, {
      provider: values.provider!,
      model: values['model-id']!,
      maxContextSize: parsePositiveInt('context', values.context)!,
      ...(capabilities.length ? { capabilities: capabilities as (typeof CAPABILITIES)[number][] } : {}),
      ...(values['display-name'] ? { displayName: values['display-name'] } : {}),
    });
    out(io, `model "${alias}" added; use it with "hero-team role add NAME --model ${alias}"`);
    return EXIT.ok;
  },
});
