import { describe, expect, it } from 'vitest';
import { seeded } from '../support/fault-proxy';
import { byteOrder } from '../../lib/store/sharded';
import { CLIENT_SHARDS, clientShard, keys, stableHash } from '../../lib/store/keys';

describe('the clients’ shards', () => {
  it('hash names stably: these values are keys in deployed tables (changing them is a migration)', () => {
    expect(['', 'a', 'default#web-1', 'capacity-client'].map(stableHash)).toEqual([2872998923, 444641715, 302445687, 3637917679]);
    expect(keys.client('default', 'capacity-client')).toEqual({
      PK: `CLIENTS#default#${3637917679 % CLIENT_SHARDS}`,
      SK: 'CLIENT#capacity-client',
    });
  });

  it('spread 100,000 names evenly over the shards, names that differ only in a character’s high bits included', () => {
    // FNV-1a alone keeps the low bits of each byte in the hash's low bits: `a` (0x61) and `q` (0x71) would always share a shard.
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const roll = seeded(7);
    for (const name of [
      (i: number) => `node-${i}`,
      (i: number) => `${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}-${Math.floor(roll() * 1e9)}`,
    ]) {
      const per = new Map<number, number>();
      for (let i = 0; i < 100_000; i++) per.set(clientShard(name(i)), (per.get(clientShard(name(i))) ?? 0) + 1);
      expect(per.size).toBe(CLIENT_SHARDS);
      expect(Math.max(...per.values())).toBeLessThanOrEqual((100_000 / CLIENT_SHARDS) * 1.05);
    }
    const nibbles = new Set(['a', 'q', 'A', 'Q', '1'].map((c) => clientShard(`web-${c}`)));
    expect(nibbles.size).toBeGreaterThan(1);
  });

  it('put a namespace’s clients and the index in partitions no legacy key or other namespace can spell', () => {
    const all = new Set(keys.clientsOf('default'));
    expect(all.size).toBe(CLIENT_SHARDS);
    expect(all.has(keys.client('default', 'web-1').PK)).toBe(true);
    expect(all.has(keys.legacyClientsOf('default'))).toBe(false);
    expect(keys.clientIndexPartitions).toContain(keys.clientIndex('default', 'web-1').GSI1PK);
    expect(keys.clientIndexPartitions).not.toContain(keys.legacyClientIndexPartition);
  });

  it('merge in DynamoDB’s order of string keys (UTF-8 bytes), not JavaScript’s UTF-16 order', () => {
    const roll = seeded(3);
    const alphabet = ['a', 'b', '#', '-', '.', '_', 'é', '\uffee', '😀', '\ud7ff'];
    const strings = Array.from({ length: 400 }, () =>
      Array.from({ length: 1 + Math.floor(roll() * 4) }, () => alphabet[Math.floor(roll() * alphabet.length)]).join(''),
    );
    const bytes = [...strings].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...strings].sort(byteOrder)).toEqual(bytes);
    // Where the two orders part: U+FFEE is below any code point past U+FFFF in UTF-8, above its surrogates in UTF-16.
    expect(byteOrder('\uffee', '😀')).toBeLessThan(0);
    expect('\uffee' < '😀').toBe(false);
  });
});
