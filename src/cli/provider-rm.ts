/** `hero-team provider rm NAME`: remove a custom provider no model uses. */
import { removeProvider } from './catalog-store.ts';
import { defineRemoveCommand } from './remove-command.ts';

/** Remove a custom provider. */
export const providerRm = defineRemoveCommand({
  name: 'provider rm',
  summary: 'remove a custom provider (refused while a model uses it)',
  usage: 'NAME',
  example: 'provider rm openrouter',
  async remove(config, name) {
    await removeProvider(config, name);
    return `provider "${name}" removed`;
  },
});
