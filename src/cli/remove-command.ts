/** `… rm NAME` commands: one name, no flags, one line saying what was removed. */
import type { Config } from '../config.ts';
import { type CommandSpec, defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';

/** What differs between remove commands. */
export interface RemoveCommandSpec {
  name: string;
  summary: string;
  /** The argument as help shows it: `NAME`, `ALIAS`. */
  usage: string;
  example: string;
  /** Remove `name` (throwing an InputError when refused) and say what was done. */
  remove(config: Config, name: string): Promise<string>;
}

/** Declare a remove command. */
export function defineRemoveCommand(spec: RemoveCommandSpec): CommandSpec {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    options: {},
    positionals: { min: 1, max: 1 },
    examples: [spec.example],
    async run({ positionals, io, config }) {
      out(io, await spec.remove(config, positionals[0]!));
      return EXIT.ok;
    },
  });
}
