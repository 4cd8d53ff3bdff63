/** Flag parsing on node:util parseArgs, with errors that name the flag. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from '../errors.ts';

/** Parse `args` strictly against `options`; unknown flags and missing values become InputError. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true, allowNegative: true });
  } catch (err) {
    throw new InputError('flags', (err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** Split a comma list (`a,b , c`) into trimmed non-empty names. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A positive integer flag value. */
export function parsePositiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    throw new InputError(flag, `--${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}
