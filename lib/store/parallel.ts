import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from './client';
import type { Item } from './conditions';

/**
 * A partition whose sort keys encode integers in order (members by node id, say): the
 * integer `n` has the sort key `sk(n)`, and `idOf` reads it back. Every key of the space
 * lies in `[low, high]`; other items of the partition sort outside `sk(low)..sk(high)`.
 */
export interface IntegerKeyspace {
  partition: string;
  low: number;
  high: number;
  sk(n: number): string;
  idOf(sk: string): number;
}

export interface ParallelOptions {
  consistent?: boolean;
  /**
   * Items one Query asks for (its Limit); by default none, so a page is DynamoDB's 1 MB (about
   * 4,000 members). Over 16 shards the parallelism is already there: a smaller page only added
   * Queries (144 instead of 16 at 10,000 members, a third more of Roster's CPU for the same items).
   */
  pageItems?: number;
  /** Into how many ranges the rest is split when a range turns out to hold more than a page. */
  fanout?: number;
  /** Queries in flight at once, over the whole read. */
  concurrency?: number;
  /**
   * A sort key past the keyspace's end (inclusive) that the read extends to, so items just
   * after the keyspace (the cluster item after the members) come in the same Query stream.
   */
  through?: string;
}

const DEFAULTS = { consistent: false, fanout: 8, concurrency: 4 } as const;

/** At most `n` calls of the returned function run at once; the rest wait their turn in order. */
export function limiter(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Every item of the keyspace, in key order, read by Queries of disjoint BETWEEN ranges
 * that run concurrently (never a Scan). It starts with one range over the whole space, so a
 * small partition costs one Query as before. A range that answers a full page (it has a
 * LastEvaluatedKey) tells how densely its keys lie: the rest of it is split into `fanout`
 * ranges, the first `fanout − 1` each as wide as the page was (about a page each, at that
 * density), the last running to the range's end, and each is read the same way, in
 * parallel. Dense runs of ids (1..10,000) and ids spread over the whole space (random
 * 53-bit ids) are both read in a few rounds of parallel pages; any distribution is read
 * whole, each key exactly once, since the ranges are disjoint and cover the space.
 *
 * With `consistent`, each Query is strongly consistent: every write acknowledged before the
 * read began is seen (as with one paged Query, this is not a snapshot across pages).
 */
export async function queryParallel(space: IntegerKeyspace, options: ParallelOptions = {}): Promise<Item[]> {
  const { consistent, pageItems, fanout, concurrency } = { ...DEFAULTS, ...options };
  const run = limiter(concurrency);

  // The last range (`tail`) runs to `through` when there is one.
  const query = (lo: number, hi: number, tail: boolean) =>
    run(() =>
      documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':pk': space.partition,
            ':lo': space.sk(lo),
            ':hi': tail && options.through !== undefined ? options.through : space.sk(hi),
          },
          ConsistentRead: consistent,
          ...(pageItems === undefined ? {} : { Limit: pageItems }),
        }),
      ),
    );

  async function range(lo: number, hi: number, tail: boolean): Promise<Item[][]> {
    const out = await query(lo, hi, tail);
    const items = out.Items ?? [];
    // Where the page stopped; NaN past the keyspace (at `through`), where nothing is left.
    const last = out.LastEvaluatedKey ? space.idOf(String(out.LastEvaluatedKey.SK)) : hi;
    if (!(last < hi) || items.length === 0) return [items];
    const width = Math.max(1, last - space.idOf(String(items[0]!.SK)) + 1);
    const pieces: [number, number][] = [];
    for (let from = last + 1; from <= hi; ) {
      const to = pieces.length === fanout - 1 ? hi : Math.min(hi, from + width - 1);
      pieces.push([from, to]);
      from = to + 1;
    }
    const rest = await Promise.all(pieces.map(([from, to], i) => range(from, to, tail && i === pieces.length - 1)));
    return [items, ...rest.flat()];
  }

  return (await range(space.low, space.high, true)).flat();
}

/** `items` in runs of at most `size` (the last may be shorter), in order: a batch write's or a transaction's share. */
export const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * `task` for every item, at most `n` in flight at once (a new one starts as soon as any
 * finishes, not batch by batch): for independent writes, such as a watcher pass that
 * records a mass failure. Results in the items' order.
 */
export function eachBounded<T, R>(items: readonly T[], n: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const run = limiter(n);
  return Promise.all(items.map((item) => run(() => task(item))));
}

export interface MergedPage {
  /** The partitions to merge (every shard of one key); each holds only items that begin with `prefix`. */
  partitions: readonly string[];
  prefix: string;
  /** The sort key the page starts after (exclusive); absent, from the first. */
  after?: string;
  limit: number;
}

/**
 * The first `limit` items, in sort key order, of the union of several partitions whose items
 * are spread over them evenly (shards of one key, by a hash): a page of a sharded list.
 * Each partition is read in chunks of about its share of the page (plus one standard
 * deviation of how a hash spreads), all at once; the merge takes the smallest sort key
 * while every partition that has more has a chunk in hand, and reads another chunk of any
 * that runs dry (rare at that size). So a page costs about one page of items and one Query
 * per partition, not a page from each. `more`: some item follows the page.
 */
export async function queryMergedPage(input: MergedPage): Promise<{ items: Item[]; more: boolean }> {
  const share = input.limit / input.partitions.length;
  const chunk = Math.ceil(share + Math.sqrt(share)) + 1;
  const run = limiter(DEFAULTS.concurrency * 4);
  const cursors = input.partitions.map((partition) => ({
    partition,
    items: [] as Item[],
    // Where the next chunk starts: the page's start at first, then each chunk's LastEvaluatedKey (null: none left).
    start: (input.after === undefined ? undefined : { PK: partition, SK: input.after }) as Record<string, unknown> | undefined | null,
  }));
  const refill = (c: (typeof cursors)[number]) =>
    run(async () => {
      const out = await documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': c.partition, ':prefix': input.prefix },
          Limit: chunk,
          ...(c.start ? { ExclusiveStartKey: c.start } : {}),
        }),
      );
      c.items.push(...(out.Items ?? []));
      c.start = out.LastEvaluatedKey ?? null;
    });
  const page: Item[] = [];
  while (page.length < input.limit) {
    const dry = cursors.filter((c) => c.items.length === 0 && c.start !== null);
    if (dry.length > 0) await Promise.all(dry.map(refill));
    const live = cursors.filter((c) => c.items.length > 0);
    if (live.length === 0) break;
    // Every partition with more holds its next item: the smallest of them is the next of all.
    const next = live.reduce((a, b) => (String(b.items[0]!.SK) < String(a.items[0]!.SK) ? b : a));
    page.push(next.items.shift()!);
  }
  // As with one Query's LastEvaluatedKey, a partition whose chunk ended exactly at its last item may have nothing more.
  return { items: page, more: cursors.some((c) => c.items.length > 0 || c.start !== null) };
}
