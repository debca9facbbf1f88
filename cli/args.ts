import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const common = {
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
} as const satisfies Options;

/** node:util parseArgs, strict, with its errors turned into usage errors (exit 2). */
export function parse<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...common, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `30s`, `10m`, `1h`, `2d` or plain seconds, as seconds. */
export function seconds(value: string, flag: string): number {
  const m = /^([0-9]+)(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag}: "${value}" is not a duration (e.g. 30s, 10m, 1h)`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

/** The one positional a command needs, or a usage error naming it. */
export function positional(positionals: string[], name: string, count = 1): string {
  if (positionals.length !== count)
    throw new UsageError(positionals.length < count ? `missing ${name}` : `unexpected "${positionals[count]}"`);
  return positionals[count - 1]!;
}

/** A node id: a positive integer. */
export function nodeIdArg(value: string, what = 'ID'): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`${what} must be a positive integer, not "${value}"`);
  return Number(value);
}
