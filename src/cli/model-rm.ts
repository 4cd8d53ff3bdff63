/** `hero-team model rm ALIAS`: remove a custom model no role uses. */
import { removeModel } from './catalog-store.ts';
import { defineRemoveCommand } from './remove-command.ts';

/** Remove a custom model alias. */
export const modelRm = defineRemoveCommand({
  name: 'model rm',
  summary: 'remove a custom model (refused while a role uses it)',
  usage: 'ALIAS',
  example: 'model rm openrouter/kimi-k2',
  async remove(config, alias) {
    await removeModel(config, alias);
    return `model "${alias}" removed`;
  },
});
