import { describe, expect, it } from 'vitest';
import {
  CURRENT_SHARDS,
  DEFAULT_WORKLOAD,
  itemSize,
  partitionLoads,
  readUnits,
  UNSHARDED,
  writeUnits,
  type ItemSizes,
} from '../../bench/capacity';
import { CLIENT_SHARDS, LEASE_SHARDS } from '../../lib/store/keys';

describe('item sizes as DynamoDB bills them', () => {
  it('counts names and values: strings by UTF-8 bytes, numbers by significant digits, lists and maps with their overhead', () => {
    expect(itemSize({ PK: 'CLUSTER' })).toBe(2 + 7);
    expect(itemSize({ é: 'ü' })).toBe(2 + 2);
    // 1 byte per two significant digits, plus 1: leading and trailing zeros are dropped.
    expect(itemSize({ n: 1 })).toBe(1 + 2);
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
    expect(itemSize({ n: 1000 })).toBe(1 + 2);
    expect(itemSize({ n: 0.0012 })).toBe(1 + 2);
    expect(itemSize({ b: true, z: null })).toBe(2 + 2);
    expect(itemSize({ l: ['ab', 1] })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemSize({ m: { k: 'v' } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemSize({ s: new Set(['a', 'bc']) })).toBe(1 + 3);
  });

  it('rounds units as DynamoDB does: 1 KB a write unit (twice in a transaction), 4 KB a read unit (half when eventually consistent)', () => {
    expect([writeUnits(1), writeUnits(1024), writeUnits(1025), writeUnits(300, true)]).toEqual([1, 1, 2, 2]);
    expect([readUnits(1, true), readUnits(4096, true), readUnits(4097, true), readUnits(4097, false)]).toEqual([1, 1, 2, 1]);
  });
});

describe('the busiest partition of each key', () => {
  const sizes: ItemSizes = { member: 400, lease: 300, client: 500, audit: 350 };
  const at = (nodes: number, heartbeatSeconds: number) => ({ ...DEFAULT_WORKLOAD, nodes, heartbeatSeconds });

  it('puts every heartbeat on the members partition: nodes ÷ period write units a second', () => {
    const members = partitionLoads(at(3000, 3), sizes).find((l) => l.key === 'members')!;
    expect(members.wcu).toBe(1000);
    expect(members.ok).toBe(true);
    const over = partitionLoads(at(3003, 3), sizes).find((l) => l.key === 'members')!;
    expect(over.ok).toBe(false);
  });

  it('reads every member once a pass (consistent, 1 MB pages) and on each whole-list read', () => {
    // 10,000 members of 400 bytes: 4,000,000 bytes, three full pages of 256 units and 209 units for the rest.
    const members = partitionLoads({ ...at(10_000, 10), passReadSeconds: 1, listReadsPerSecond: 0 }, sizes)[0]!;
    expect(members.rcu).toBe(3 * 256 + Math.ceil((4_000_000 - 3 * 1_048_576) / 4096));
    const withLists = partitionLoads({ ...at(10_000, 10), passReadSeconds: 1, listReadsPerSecond: 2 }, sizes)[0]!;
    expect(withLists.rcu).toBe(members.rcu * 2);
  });

  it('counts renewals, keepalives and audited changes on their keys; an item over 1 KB costs two units a write', () => {
    const loads = partitionLoads(at(1000, 10), { ...sizes, client: 1500 });
    const by = Object.fromEntries(loads.map((l) => [l.key, l]));
    expect(by.leases!.wcu).toBe(1000 / 10);
    expect(by.held!.wcu).toBe(1000 / 10);
    expect(by.clients!.wcu).toBe((1000 / 20) * 2);
    expect(by.audit!.wcu).toBeCloseTo((1000 / 3600) * 2);
  });

  it('divides a sharded key among its shards, leaving the others as they are', () => {
    const one = partitionLoads(at(100_000, 10), sizes);
    const sharded = partitionLoads(at(100_000, 10), sizes, { members: 20, leases: 1, held: 10, clients: 1, audit: 1 });
    expect(one[0]!.ok).toBe(false);
    expect(sharded[0]!.wcu).toBe(one[0]!.wcu / 20);
    expect(sharded[0]!.ok).toBe(true);
    expect(sharded[2]!.wcu).toBe(one[2]!.wcu / 10);
    expect(sharded[1]!.wcu).toBe(one[1]!.wcu);
    expect(sharded[3]).toEqual(one[3]);
  });

  it('keeps 100,000 nodes holding a lease each, renewed every 10 s, within both lease keys at the sharded layout', () => {
    const loads = partitionLoads(at(100_000, 10), sizes, CURRENT_SHARDS);
    const by = Object.fromEntries(loads.map((l) => [l.key, l]));
    // 10,000 renewals a second, each one unit on its lease and one on its index item: over LEASE_SHARDS, about 625 each.
    expect(by.leases!.wcu).toBe(10_000 / LEASE_SHARDS);
    expect(by.held!.wcu).toBe(10_000 / LEASE_SHARDS);
    expect(by.leases!.ok && by.held!.ok).toBe(true);
    expect(partitionLoads(at(100_000, 10), sizes, UNSHARDED).find((l) => l.key === 'held')!.ok).toBe(false);
  });

  it('fits 100,000 clients keeping alive every 20 s in the layout of today (CLIENT_SHARDS), where one partition takes five times its limit', () => {
    const measured = { ...sizes, client: 317 };
    const one = partitionLoads(at(100_000, 10), measured).find((l) => l.key === 'clients')!;
    const today = partitionLoads(at(100_000, 10), measured, CURRENT_SHARDS).find((l) => l.key === 'clients')!;
    expect(one).toMatchObject({ wcu: 5000, ok: false });
    expect(CURRENT_SHARDS.clients).toBe(CLIENT_SHARDS);
    expect(today).toMatchObject({ wcu: 5000 / CLIENT_SHARDS, ok: true });
    // Headroom: a definition up to 3 KB (three units a keepalive) still fits.
    expect(partitionLoads(at(100_000, 10), { ...sizes, client: 3000 }, CURRENT_SHARDS).find((l) => l.key === 'clients')!.ok).toBe(true);
  });
});
