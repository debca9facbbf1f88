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
  /** Items one Query asks for (its Limit): what one range is sized to hold. */
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

const DEFAULTS = { consistent: false, pageItems: 500, fanout: 8, concurrency: 4 } as const;

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
          Limit: pageItems,
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

/**
 * `task` for every item, at most `n` in flight at once (a new one starts as soon as any
 * finishes, not batch by batch): for independent writes, such as a watcher pass that
 * records a mass failure. Results in the items' order.
 */
export function eachBounded<T, R>(items: readonly T[], n: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const run = limiter(n);
  return Promise.all(items.map((item) => run(() => task(item))));
}
