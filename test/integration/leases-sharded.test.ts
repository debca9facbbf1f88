import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTable } from '../support/table';

// The lease code reads its table and store from the environment at import, as on Lambda.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `leases-sharded-${randomBytes(4).toString('hex')}`;
const { documents, TABLE } = await import('../../lib/store/client');
const { keys, LEASE_SHARDS, padId, stableHash } = await import('../../lib/store/keys');
const reads = await import('../../lib/leases/reads');
const { moveLeaseToShard } = await import('../../lib/leases/lease-move-store');
const { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');

type Item = Record<string, unknown>;

async function write(items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Item[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending?.length) {
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = out.UnprocessedItems?.[TABLE] as Item[] | undefined;
    }
  }
}

/** A lease item as the lease store writes one, held by `holder` (or free) until `expiresAt`. */
const leaseItem = (name: string, holder: number | undefined, expiresAt: number, key = keys.lease(name)): Item => ({
  ...key,
  ...(holder === undefined ? {} : { ...keys.heldLease(holder, name), holder, holderCredentialHash: `hash-${holder}` }),
  name,
  rangeId: stableHash(name) % 100_000,
  fencingToken: 1_700_000_000_000_000 + (stableHash(name) % 1000),
  leaseExpiresAt: expiresAt,
  acquiredAt: expiresAt - 30_000,
  ops: { '28333333': 3, '28333334': 1 },
});

/** Query calls and the items they returned (what a read is billed for), counted at the client. */
const queries = { calls: 0, items: 0 };
documents.middlewareStack.add(
  (next, context) => async (args) => {
    const out = await next(args);
    if (context.commandName === 'QueryCommand') {
      queries.calls++;
      queries.items += ((out.output as { Items?: unknown[] }).Items ?? []).length;
    }
    return out;
  },
  { step: 'initialize', name: 'countQueries' },
);
const counted = async <T>(read: () => Promise<T>) => {
  const before = { ...queries };
  const result = await read();
  return { result, calls: queries.calls - before.calls, items: queries.items - before.items };
};

const NAMES = Array.from({ length: 400 }, (_, i) => `job-${(i * 7919) % 1000}.${i % 3 === 0 ? 'x' : 'y'}`);
const now = Date.now();

beforeAll(async () => {
  await createLocalTable(TABLE);
  // Holders 1..40, ten leases each; every third lease lapsed, every seventh free.
  await write(NAMES.map((name, i) => leaseItem(name, i % 7 === 0 ? undefined : (i % 40) + 1, i % 3 === 1 ? now - 1000 : now + 600_000)));
});

describe('leases over LEASE_SHARDS partitions', () => {
  it("hashes names with the clients' stable hash and spreads them over every shard", () => {
    // The hash's own vectors are held by test/unit/client-shards.test.ts: a key never moves between releases.
    expect(keys.lease('foobar').PK).toBe(`LEASES#${stableHash('foobar') % LEASE_SHARDS}`);
    const per = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) per.set(keys.lease(`lease-${i}`).PK, (per.get(keys.lease(`lease-${i}`).PK) ?? 0) + 1);
    expect(per.size).toBe(LEASE_SHARDS);
    // The busiest shard within 5 % of an even share: ~63 % of a partition's write units at 100,000 leases / 10 s.
    expect(Math.max(...per.values())).toBeLessThanOrEqual((100_000 / LEASE_SHARDS) * 1.05);
    expect(new Set(NAMES.map((n) => keys.lease(n).PK)).size).toBe(LEASE_SHARDS);
  });

  it('lists every lease once, in name order, page after page, whatever the page size', async () => {
    const byName = [...NAMES].sort();
    for (const [limit, pageCount] of [
      [1, 12],
      [13, 500],
      [100, 500],
      [1000, 500],
    ] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < pageCount; pages++) {
        const { leases, next } = await reads.page(limit, after);
        expect(leases.length).toBeLessThanOrEqual(limit);
        seen.push(...leases.map((l) => l.name));
        if (next === undefined) break;
        expect(next).toBe(leases.at(-1)!.name);
        after = next;
      }
      expect(seen, `limit ${limit}`).toEqual(byName.slice(0, limit * pageCount));
    }
  });

  it('reads about a page for a page: its share from each shard, not a page from each', async () => {
    const limit = 100;
    const first = await counted(() => reads.page(limit));
    const middle = await counted(() => reads.page(limit, [...NAMES].sort()[150]));
    for (const cost of [first, middle]) {
      expect(cost.result.leases).toHaveLength(limit);
      // A page from every shard would be 1,600 items; about a page, with each shard's margin, is well under 2.
      expect(cost.items).toBeLessThanOrEqual(2 * limit);
      expect(cost.calls).toBeLessThanOrEqual(2 * LEASE_SHARDS);
    }
  });

  it("reads a node's leases from its holder's shard alone, and a range of holders from the shards it spans, merged", async () => {
    const live = (holder: number) =>
      NAMES.filter((_, i) => i % 7 !== 0 && i % 3 !== 1 && (i % 40) + 1 === holder)
        .sort()
        .map((name) => ({ name, holder }));
    const one = await counted(() => reads.heldBy(9, 9, now));
    expect(one.calls).toBe(1);
    expect(one.result.map((l) => ({ name: l.name, holder: l.holder }))).toEqual(live(9));
    const some = await counted(() => reads.heldBy(3, 5, now));
    expect(some.calls).toBe(3);
    expect(some.result.map((l) => ({ name: l.name, holder: l.holder }))).toEqual([3, 4, 5].flatMap(live));
    const all = await counted(() => reads.heldBy(1, Number.MAX_SAFE_INTEGER, now));
    expect(all.calls).toBe(LEASE_SHARDS);
    expect(all.result.map((l) => ({ name: l.name, holder: l.holder }))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1).flatMap(live));
    // Lapsed leases are left out; asked with 0 as "now" (drain's view), every lease still naming the holder comes back.
    expect((await reads.heldBy(9, 9, 0)).length).toBeGreaterThan(live(9).length);
  });
});

describe('moving one lease from the unsharded layout', () => {
  const legacyOf = (name: string, holder: number): Item => ({
    ...leaseItem(name, holder, now + 60_000, keys.legacyLease(name)),
    GSI1PK: 'HELD',
    GSI1SK: `${padId(holder)}#${name}`,
  });
  const at = async (key: Record<string, string>) =>
    (await documents.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;

  it('moves the lease whole, its index item to its holder’s shard, and leaves nothing behind', async () => {
    const old = legacyOf('move-whole', 12);
    await documents.send(new PutCommand({ TableName: TABLE, Item: old }));
    expect(await moveLeaseToShard(old)).toEqual({ kind: 'moved' });
    expect(await at(keys.legacyLease('move-whole'))).toBeUndefined();
    expect(await at(keys.lease('move-whole'))).toEqual({ ...old, ...keys.lease('move-whole'), ...keys.heldLease(12, 'move-whole') });
    expect((await reads.heldBy(12, 12, now)).map((l) => l.name)).toContain('move-whole');
    // A second run with the same page finds it gone, and changes nothing.
    expect(await moveLeaseToShard(old)).toEqual({ kind: 'gone' });
    expect((await at(keys.lease('move-whole')))?.fencingToken).toBe(old.fencingToken);
  });

  it('moves a lease renewed (or marked draining) after it was read as it is now, not as it was read', async () => {
    for (const [name, change] of [
      ['renewed-meanwhile', 'SET leaseExpiresAt = :later, renewedAt = :now, ops.#m = :n'],
      ['marked-meanwhile', 'SET holderDrainEpoch = :epoch'],
    ] as const) {
      const read = legacyOf(name, 21);
      await documents.send(new PutCommand({ TableName: TABLE, Item: read }));
      await documents.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: keys.legacyLease(name),
          UpdateExpression: change,
          ...(change.includes('#m') ? { ExpressionAttributeNames: { '#m': '28333335' } } : {}),
          ExpressionAttributeValues: change.includes(':epoch') ? { ':epoch': 4 } : { ':later': now + 120_000, ':now': now, ':n': 1 },
        }),
      );
      const current = await at(keys.legacyLease(name));
      expect(await moveLeaseToShard(read)).toEqual({ kind: 'moved' });
      const { PK: _p, SK: _s, GSI1PK: _g, ...moved } = (await at(keys.lease(name)))!;
      const { PK: _lp, SK: _ls, GSI1PK: _lg, ...renewed } = current!;
      expect(moved).toEqual(renewed);
      expect(await at(keys.legacyLease(name))).toBeUndefined();
    }
  });

  it('drops the old copy of a lease its shard already has, keeping the shard’s', async () => {
    const old = legacyOf('both-copies', 30);
    await write([old, { ...leaseItem('both-copies', 31, now + 90_000), fencingToken: Number(old.fencingToken) + 5 }]);
    expect(await moveLeaseToShard(old)).toEqual({ kind: 'stale' });
    expect(await at(keys.legacyLease('both-copies'))).toBeUndefined();
    expect((await at(keys.lease('both-copies')))?.holder).toBe(31);
  });
});
