import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from './client';
import type { Item } from './conditions';
import { queryAll, queryCount } from './query';

/**
 * Reads of a list spread over several partitions (shards), each ordered by the same sort
 * key attribute: every item, one page by offset, or a count, as one list in sort key order.
 * The shards are Queried in parallel (never a Scan) and merged; a page reads each shard for
 * about its share of the page, not the page times the shards.
 */

type Query = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit' | 'Select'>;
type Key = Record<string, unknown>;

/**
 * DynamoDB's order of string sort keys: by their UTF-8 bytes, which is code point order. JS
 * compares UTF-16 units, which differs only where a surrogate (half of a code point above
 * U+FFFF) meets U+E000–U+FFFF: the surrogate's code point is the greater.
 */
export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Every item of every shard, in `sortKey` order: one Query stream per shard, all at once. */
export async function queryShardsAll(shards: readonly Query[], sortKey: string): Promise<Item[]> {
  const lists = await Promise.all(shards.map((input) => queryAll(input)));
  return lists.flat().sort((a, b) => byteOrder(String(a[sortKey]), String(b[sortKey])));
}

/** How many items the shards hold together (Select COUNT on each, in parallel). */
export async function queryShardsCount(shards: readonly Query[]): Promise<number> {
  return (await Promise.all(shards.map((input) => queryCount(input)))).reduce((a, b) => a + b, 0);
}

/** One shard's position in a merge: what it has read and not yet given, and where it goes on. */
interface Cursor {
  input: Query;
  buffer: Item[];
  /** Where the next Query starts; undefined at the shard's beginning. */
  start: Key | undefined;
  /** The key of the last item given, from which the next phase goes on. */
  given: Key | undefined;
  done: boolean;
}

/**
 * The `take` items after the first `skip` in `sortKey` order over every shard. The skipped
 * ones are walked past with only their keys (`keyNames`, enough to resume from), the page's
 * with their whole items. Each shard is asked for about its share of what is left (names
 * spread evenly by their hash), a little more for the spread, and again only if the merge
 * runs through what it gave; so a page costs about the page (and what the pages before it
 * hold), not the page times the shards.
 */
export async function queryShardsPage(
  shards: readonly Query[],
  sortKey: string,
  skip: number,
  take: number,
  keyNames: readonly string[],
): Promise<Item[]> {
  const cursors: Cursor[] = shards.map((input) => ({ input, buffer: [], start: undefined, given: undefined, done: false }));
  if (skip > 0) {
    await walk(cursors, sortKey, skip, keyNames);
    // The page goes on after each shard's last skipped item (from its start where none was),
    // whole items this time; only a shard found empty stays done.
    for (const c of cursors)
      Object.assign(c, { buffer: [], start: c.given, done: c.done && c.given === undefined && c.buffer.length === 0 });
  }
  if (take === 0) return [];
  return walk(cursors, sortKey, take, undefined);
}

/** The next `n` items in merged order; with `projection`, only those attributes of each. */
async function walk(cursors: Cursor[], sortKey: string, n: number, projection: readonly string[] | undefined): Promise<Item[]> {
  const out: Item[] = [];
  const fill = (c: Cursor) => {
    const active = cursors.filter((x) => !x.done).length;
    return read(c, Math.ceil(((n - out.length) / Math.max(1, active)) * 1.25) + 2, projection);
  };
  await Promise.all(cursors.filter((c) => !c.done).map(fill));
  while (out.length < n) {
    const dry = cursors.filter((c) => c.buffer.length === 0 && !c.done);
    if (dry.length > 0) {
      await Promise.all(dry.map(fill));
      continue;
    }
    let next: Cursor | undefined;
    for (const c of cursors) {
      if (c.buffer.length > 0 && (!next || byteOrder(String(c.buffer[0]![sortKey]), String(next.buffer[0]![sortKey])) < 0)) next = c;
    }
    if (!next) break;
    const item = next.buffer.shift()!;
    next.given = item;
    out.push(item);
  }
  return out;
}

async function read(c: Cursor, limit: number, projection: readonly string[] | undefined): Promise<void> {
  const result = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      ...c.input,
      Limit: limit,
      ExclusiveStartKey: c.start,
      ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
    }),
  );
  c.buffer.push(...(result.Items ?? []));
  c.start = result.LastEvaluatedKey;
  c.done = !result.LastEvaluatedKey;
}
