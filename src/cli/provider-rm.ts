/** `hero-team provider rm NAME`: remove a custom provider no model uses. */
import { removeProvider } from './catalog-store.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';

/** Remove a custom provider. */
export const providerRm = defineCommand({
  name: 'provider rm',
  summary: 'remove a custom provider (refused while a model uses it)',
  usage: 'NAME',
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ['provider rm openrouter'],
  async run({ positionals, io, config }) {
    await removeProvider(config, positionals[0]!);
    out(io, `provider "${positionals[0]}" removed`);
    return EXIT.ok;
  },
});
