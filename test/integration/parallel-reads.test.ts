import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTable } from '../support/table';

// The store reads its table from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `parallel-${randomBytes(4).toString('hex')}`;
const { documents, TABLE } = await import('../../lib/store/client');
const { keys } = await import('../../lib/store/keys');
const { queryParallel } = await import('../../lib/store/parallel');
const { listMembers, readCluster } = await import('../../lib/cluster/member-reads');
const { joinedMember, memberToItem } = await import('../../lib/cluster/member');
const { BatchWriteCommand, PutCommand } = await import('@aws-sdk/lib-dynamodb');

const MAX = Number.MAX_SAFE_INTEGER;

async function write(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending?.length) {
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = out.UnprocessedItems?.[TABLE] as Record<string, unknown>[] | undefined;
    }
  }
}

/** The member keyspace over a partition of its own, so each case starts empty. */
let partitions = 0;
const spaceOf = () => ({ ...keys.legacyMemberKeyspace, partition: `PARALLEL#${partitions++}` });

/** Writes ids into a fresh partition, beside items of that partition that sort outside the member keys. */
async function seeded(ids: readonly number[]) {
  const space = spaceOf();
  await write([
    ...ids.map((id) => ({ PK: space.partition, SK: space.sk(id), id })),
    // What shares the cluster partition with the members: the cluster item and the range counter.
    { PK: space.partition, SK: 'META' },
    { PK: space.partition, SK: 'RANGE_COUNTER' },
  ]);
  return space;
}

const idsOf = (items: Record<string, unknown>[]) => items.map((i) => Number(i.id));
const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);

beforeAll(async () => {
  await createLocalTable(TABLE);
});

describe('reading a keyspace in parallel key ranges', () => {
  it('returns every id of every shape the node id schema allows exactly once, in order, whatever the split', async () => {
    // One digit to sixteen, the edges of the range, powers of two and ten, a dense run, and ids spread over 2^53.
    const ids = sorted([
      1,
      2,
      9,
      10,
      99,
      100,
      999,
      1000,
      ...Array.from({ length: 300 }, (_, i) => 5000 + i),
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 + 1,
      10 ** 15 - 1,
      10 ** 15,
      MAX - 1,
      MAX,
      ...Array.from({ length: 100 }, (_, i) => Math.floor((MAX / 100) * i) + 1),
    ]);
    const space = await seeded(ids);
    for (const options of [{}, { pageItems: 7, fanout: 3 }, { pageItems: 3, fanout: 2, concurrency: 1 }, { pageItems: 50, fanout: 16 }]) {
      expect(idsOf(await queryParallel(space, options))).toEqual(ids);
      expect(idsOf(await queryParallel(space, { ...options, consistent: true }))).toEqual(ids);
    }
  });

  it('extends the last range through a key past the keyspace, and only the last range', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => i * 1000 + 1);
    const space = await seeded(ids);
    for (const options of [{}, { pageItems: 4, fanout: 3 }, { pageItems: 60 }, { pageItems: 61 }]) {
      const items = await queryParallel(space, { ...options, through: 'META' });
      expect(items.map((i) => i.SK)).toEqual([...ids.map(space.sk), 'META']);
    }
  });

  it('reads an empty keyspace, and one member, with one Query each', async () => {
    expect(await queryParallel(await seeded([]))).toEqual([]);
    expect(idsOf(await queryParallel(await seeded([MAX])))).toEqual([MAX]);
  });

  it('splits a dense run of ids into concurrent ranges rather than one page after another', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => i + 1);
    const space = await seeded(ids);
    const sent: string[] = [];
    let inFlight = 0;
    let most = 0;
    const send = documents.send.bind(documents);
    const spy = async (command: Parameters<typeof send>[0]) => {
      sent.push(String((command.input as { ExpressionAttributeValues?: Record<string, string> }).ExpressionAttributeValues?.[':lo']));
      most = Math.max(most, ++inFlight);
      try {
        return await send(command);
      } finally {
        inFlight--;
      }
    };
    (documents as { send: unknown }).send = spy;
    try {
      expect(idsOf(await queryParallel(space, { pageItems: 50, fanout: 8, concurrency: 8 }))).toEqual(ids);
    } finally {
      (documents as { send: unknown }).send = send;
    }
    // The first page of 50 sizes seven ranges of 50 beside it: 400 ids in two rounds, the second concurrent.
    expect(sent.length).toBeLessThanOrEqual(10);
    expect(most).toBeGreaterThan(1);
  });

  it('holds for any set of ids, page size and fan-out', async () => {
    const id = fc.oneof(
      fc.integer({ min: 1, max: 2000 }),
      fc.integer({ min: 1, max: MAX }),
      fc.constantFrom(1, MAX, MAX - 1, 10 ** 15, 2 ** 32),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(id, { maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 2, max: 9 }),
        async (ids, pageItems, fanout) => {
          const space = await seeded(ids);
          expect(idsOf(await queryParallel(space, { pageItems, fanout }))).toEqual(sorted(ids));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('the members as autopilot and the watcher read them', () => {
  it('lists every member once, in node id order, with the cluster item beside them and never the partition’s other items', async () => {
    const ids = [1, 2, 3, 64, 65, 4096, 2 ** 40, MAX];
    const now = Date.now();
    await write(
      ids.map((nodeId) =>
        memberToItem(
          joinedMember({
            nodeId,
            raftAddress: `h${nodeId}:7000`,
            apiAddress: `h${nodeId}:8443`,
            binaryVersion: 'v1',
            certFingerprint: '',
            suffrage: 'voter',
            now,
            peerURLs: [],
          }),
        ),
      ),
    );
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...keys.rangeCounter(), next: 10 } }));
    expect((await listMembers(true, { pageItems: 2, fanout: 3 })).map((m) => m.nodeId)).toEqual(ids);
    const before = await readCluster();
    expect(before.meta).toBeUndefined();
    await documents.send(
      new PutCommand({ TableName: TABLE, Item: { ...keys.clusterMeta(), clusterId: 7, leaderNodeId: 3, memberCount: ids.length } }),
    );
    const after = await readCluster(true);
    expect(after.meta).toMatchObject({ clusterId: 7, leaderNodeId: 3, memberCount: ids.length });
    expect(after.members.map((m) => m.nodeId)).toEqual(ids);
  });
});
