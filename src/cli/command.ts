/**
 * A CLI command as data: name, summary, usage, options, examples and the handler, declared in one place.
 * Flag parsing and help text are both generated from it, so they cannot disagree. Adding a command is one
 * file exporting `defineCommand({...})` plus one line in `commands.ts`.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { InputError } from '../errors.ts';
import type { CliIo } from './io.ts';

/** One flag of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias. */
  short?: string;
  /** Placeholder of a string flag's value in help (`--model M`). */
  value?: string;
  /** A boolean that also takes its `--no-` form (help shows `--[no-]yolo`). */
  negatable?: boolean;
  /** A string flag that may be given more than once (its values are collected). */
  multiple?: boolean;
  description: string;
}

/** Option definitions keyed by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed flag values: strings, booleans, or string lists for `multiple` flags. */
export type FlagValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['multiple'] extends true ? string[] : O[K]['type'] extends 'boolean' ? boolean : string;
};

/** What a handler receives. */
export interface CommandInput<O extends OptionSpecs> {
  values: FlagValues<O>;
  positionals: string[];
  io: CliIo;
  config: Config;
}

/** A command's declaration. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** The words that select it: `sync`, `role add`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Arguments after the name, as shown in help: `NAME [--model M] ...`. */
  usage: string;
  /** Longer text for the command's own help. */
  description?: string;
  options: O;
  /** How many positional arguments it takes (default: none). */
  positionals?: { min: number; max: number };
  /** Example invocations (without the leading `hero-team`). */
  examples?: string[];
  run(input: CommandInput<O>): Promise<number>;
}

/** Declare a command (identity, for type inference of its options). */
export function defineCommand<O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/**
 * Parse a command's arguments strictly: unknown flags, missing values, a flag given twice (in either polarity:
 * `--thinking --no-thinking` contradicts itself, `--model a --model b` is ambiguous) and a wrong number of
 * positionals are InputErrors naming the flag.
 */
export function parseCommandArgs<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  args: string[],
): { values: FlagValues<O>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(spec.options))
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, allowNegative: true, tokens: true });
  } catch (err) {
    throw new InputError(
      'flags',
      `${(err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')}; see "hero-team ${spec.name} --help"`,
    );
  }
  refuseRepeats(spec, parsed.tokens ?? []);
  const range = spec.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (n < range.min || n > range.max) {
    const extra =
      n > range.max
        ? `unexpected argument(s): ${parsed.positionals.slice(range.max).join(' ')}`
        : 'missing argument(s)';
    throw new InputError('arguments', `${extra}; usage: hero-team ${spec.name} ${spec.usage}`);
  }
  return { values: parsed.values as FlagValues<O>, positionals: parsed.positionals };
}

type Token = { kind: string; name?: string; rawName?: string };

function refuseRepeats(spec: CommandSpec, tokens: readonly Token[]): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || !t.name) continue;
    const o = Object.hasOwn(spec.options, t.name) ? spec.options[t.name]! : undefined;
    if (o?.type === 'boolean' && t.rawName?.startsWith('--no-') && !o.negatable)
      throw new InputError(t.name, `${t.rawName} is not a flag of "hero-team ${spec.name}"`);
    const before = seen.get(t.name);
    if (before !== undefined && !o?.multiple) {
      throw new InputError(
        t.name,
        before === t.rawName
          ? `${t.rawName} given twice: give it once`
          : `${before} and ${t.rawName} contradict each other: give one`,
      );
    }
    seen.set(t.name, t.rawName ?? `--${t.name}`);
  }
}
