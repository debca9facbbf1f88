import { UsageError } from './errors';

export type Format = 'table' | 'json';

/** `-o table|json`; by default a table on a terminal and JSON when piped. */
export function format(value: string | undefined): Format {
  if (value === undefined) return process.stdout.isTTY ? 'table' : 'json';
  if (value !== 'table' && value !== 'json') throw new UsageError(`-o must be table or json, not "${value}"`);
  return value;
}

const cell = (v: unknown): string => (v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Rows as aligned columns (the given ones, or every key of the first row). */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = [cols.map((c) => c.toUpperCase()), ...rows.map((r) => cols.map((c) => cell(r[c])))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((v, i) => (i === row.length - 1 ? v : v.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** One object as `key: value` lines. */
export const record = (obj: Record<string, unknown>): string => {
  const width = Math.max(0, ...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${cell(v)}`)
    .join('\n');
};

/** Prints a read's answer: JSON as is, or a table of its rows / a record. */
export function print(value: unknown, fmt: Format, columns?: string[]): void {
  if (fmt === 'json') return void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  const rows = Array.isArray(value) ? value : (value as { items?: unknown })?.items;
  if (Array.isArray(rows)) {
    process.stdout.write(rows.length ? `${table(rows as Record<string, unknown>[], columns)}\n` : 'nothing to show\n');
  } else if (value && typeof value === 'object') {
    process.stdout.write(`${record(value as Record<string, unknown>)}\n`);
  } else {
    process.stdout.write(`${cell(value)}\n`);
  }
}
