/** Checks generated agent files and `[[hooks]]` against both fact sheets (the same rules doctor applies). */
export { checkKimiCliAgent, checkKimiCodeAgent, checkKimiHooks } from '../../src/observed/kimi-native-rules.ts';
