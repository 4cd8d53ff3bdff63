/** `hero-team model rm ALIAS`: remove a custom model no role uses. */
import { removeModel } from './catalog-store.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';

/** Remove a custom model alias. */
export const modelRm = defineCommand({
  name: 'model rm',
  summary: 'remove a custom model (refused while a role uses it)',
  usage: 'ALIAS',
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ['model rm openrouter/kimi-k2'],
  async run({ positionals, io, config }) {
    await removeModel(config, positionals[0]!);
    out(io, `model "${positionals[0]}" removed`);
    return EXIT.ok;
  },
});
