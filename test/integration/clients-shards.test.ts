import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTable } from '../support/table';

// The store reads its table from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `client-shards-${randomBytes(4).toString('hex')}`;
const { documents, TABLE } = await import('../../lib/store/client');
const { keys, CLIENT_SHARDS } = await import('../../lib/store/keys');
const store = await import('../../lib/clients/client-store');
const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');

/** Items the store read for lists (Queries' ScannedCount, counts aside), since the last reset. */
let scanned = 0;
documents.middlewareStack.add(
  (next, context) => async (args) => {
    const out = await next(args);
    const input = args.input as { Select?: string };
    if (context.commandName === 'QueryCommand' && input.Select !== 'COUNT')
      scanned += (out.output as { ScannedCount?: number }).ScannedCount ?? 0;
    return out;
  },
  { step: 'initialize', name: 'countScanned' },
);

const LIVE = 400;
const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
const now = Math.floor(Date.now() / 1000);
const live = names(LIVE, 'c');

beforeAll(async () => {
  await createLocalTable(TABLE);
  const put = (ns: string, name: string) => store.putClient(ns, { name, timestamp: now, subscriptions: [] }, now);
  for (let i = 0; i < LIVE; i += 25) await Promise.all(live.slice(i, i + 25).map((name) => put('big', name)));
  // Removed clients among them, half leaving tombstones, in the same partitions: lists skip both.
  for (const name of names(40, 'gone')) {
    await put('big', name);
    expect((await store.removeClient('big', name, name.endsWith('1') || name.endsWith('3') ? now + 3600 : undefined)).kind).toBe('done');
  }
  for (const name of ['x', 'y']) await put('a', name);
  for (const name of ['w', 'z']) await put('a-b', name);
}, 120_000);

describe('clients over their shards', () => {
  it('spreads a namespace over every shard, and lists it whole by name', async () => {
    const per = await Promise.all(
      keys.clientsOf('big').map(async (pk) => {
        const out = await documents.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            Select: 'COUNT',
          }),
        );
        return out.Count ?? 0;
      }),
    );
    expect(per).toHaveLength(CLIENT_SHARDS);
    expect(Math.min(...per)).toBeGreaterThan(0);
    expect((await store.listNamespace('big')).map((c) => c.name)).toEqual(live);
  });

  it('pages a namespace by offset exactly as one sorted list would, with its total', async () => {
    for (const [offset, limit] of [
      [0, 10],
      [0, 100],
      [37, 25],
      [150, 100],
      [399, 1],
      [399, 5],
      [400, 10],
      [1000, 10],
      [5, 0],
    ] as const) {
      const page = await store.pageNamespace('big', offset, limit);
      expect(
        page.items.map((c) => c.name),
        `offset ${offset}, limit ${limit}`,
      ).toEqual(live.slice(offset, offset + limit));
      expect(page.total).toBe(LIVE);
    }
  });

  it('lists and pages every namespace by namespace then name', async () => {
    const expected = [...['x', 'y'].map((n) => `a#${n}`), ...['w', 'z'].map((n) => `a-b#${n}`), ...live.map((n) => `big#${n}`)];
    const seen = (await store.listEveryNamespace()).map((c) => `${c.namespace}#${c.definition.name}`);
    expect(seen).toEqual(expected);
    for (const [offset, limit] of [
      [0, 3],
      [3, 50],
      [390, 100],
    ] as const) {
      const page = await store.pageEveryNamespace(offset, limit);
      expect(page.items.map((c) => `${c.namespace}#${c.definition.name}`)).toEqual(expected.slice(offset, offset + limit));
      expect(page.total).toBe(expected.length);
    }
  });

  it('reads about a page for a page, not the page times the shards', async () => {
    for (const [offset, limit] of [
      [0, 100],
      [200, 50],
    ] as const) {
      scanned = 0;
      expect((await store.pageNamespace('big', offset, limit)).items).toHaveLength(limit);
      // Each shard is asked for its share and a little more (tombstones are read and dropped too); 16 × the page would be 1,600.
      expect(scanned, `offset ${offset}, limit ${limit}`).toBeLessThanOrEqual(2 * (offset + limit));
    }
  });
});
