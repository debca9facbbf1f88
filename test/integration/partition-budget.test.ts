import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { memberToItem } from '../../lib/cluster/member';
import { mintNodeCredential } from '../../lib/identity/node-credentials';
import { DEFAULT_WORKLOAD } from '../../bench/capacity';
import { CLIENT_SHARDS, keys, LEASE_SHARDS, MEMBER_SHARDS } from '../../lib/store/keys';
import { accessToken, bearer } from '../support/auth';
import { seeded, startFaultProxy, writesByPartition, type FaultProxy } from '../support/fault-proxy';
import { client } from '../support/http';
import { memberAt } from '../support/member';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * #19.7, by simulation: 100,000 nodes heartbeating every 10 s write 10,000 member items a
 * second; DynamoDB lets one partition take 1,000 write units a second. Two cores cannot send
 * that, so the test scales it down: SIMULATED nodes stand for 100,000 (each heartbeat for
 * SCALE of them), and time is virtual — one round, every simulated node heartbeating once,
 * is one heartbeat period. The fault proxy counts the writes each partition key received;
 * scaled back up, no key may pass its budget. (A member item is under 1 KB, 544 bytes as the
 * benchmark measures it: one write, one unit.) The Sensu clients are driven the same way: one
 * client a node in one namespace (the busiest case), each keeping alive every 20 s, a round
 * standing for that period; each keepalive writes the client and its index item.
 */
const NODES = 100_000;
const HEARTBEAT_SECONDS = 10;
const PARTITION_WCU = 1_000;
const SIMULATED = 96;
const SCALE = NODES / SIMULATED;
const ROUNDS = 2;
/** Writes one key may take in one round of the simulation, at that scale. */
const BUDGET_PER_ROUND = (PARTITION_WCU * HEARTBEAT_SECONDS) / SCALE;
const KEEPALIVE_SECONDS = DEFAULT_WORKLOAD.keepaliveSeconds;
/** Writes one client key may take in one round (one keepalive period), at that scale. */
const CLIENT_BUDGET_PER_ROUND = (PARTITION_WCU * KEEPALIVE_SECONDS) / SCALE;

let proxy: FaultProxy;
let rt: Runtime;
const nodes: { nodeId: number; token: string }[] = [];
/**
 * Leases: 100,000 nodes each holding one, renewed every 10 s, stood for by LEASES_PER_NODE
 * leases on each simulated node (SIMULATED × LEASES_PER_NODE of them), so that the hash of so
 * few names spreads them as it spreads 100,000 (within a few per cent: the test below)
 * rather than by the luck of a 96-name sample.
 */
const LEASES_PER_NODE = 5;
const LEASES = SIMULATED * LEASES_PER_NODE;
const LEASE_SCALE = NODES / LEASES;
const RENEW_SECONDS = 10;
const leases: { name: string; nodeId: number; token: string; fencingToken: number }[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamodbEndpoint'));
  rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint, ROSTER_WATCHER_INTERVAL_SECONDS: '3600' });
  // Members with node credentials, straight into the table, ids 1..SIMULATED (how random ids spread: the case below).
  const store = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  const now = Date.now();
  const ids = Array.from({ length: SIMULATED }, (_, i) => i + 1);
  const items = ids.flatMap((nodeId) => {
    const credential = mintNodeCredential(nodeId);
    nodes.push({ nodeId, token: credential.token });
    // Each node's leases, held under its credential, as an acquire leaves them.
    const held = Array.from({ length: LEASES_PER_NODE }, (_, i) => {
      const name = `svc-${nodeId}-${i}.lock`;
      const fencingToken = now * 1000 + nodeId * 10 + i;
      leases.push({ name, nodeId, token: credential.token, fencingToken });
      const Item = {
        ...keys.lease(name),
        ...keys.heldLease(nodeId, name),
        name,
        rangeId: nodeId * 10 + i,
        holder: nodeId,
        holderCredentialHash: credential.hash,
        fencingToken,
        leaseExpiresAt: now + 3_600_000,
        acquiredAt: now,
        ops: {},
      };
      return { PutRequest: { Item } };
    });
    return [
      {
        PutRequest: {
          Item: memberToItem(memberAt(nodeId, now), {
            credentialHash: credential.hash,
            credentialId: credential.credentialId,
            joinedJti: 'seeded',
          }),
        },
      },
      ...held,
    ];
  });
  for (let i = 0; i < items.length; i += 25) {
    await store.send(new BatchWriteCommand({ RequestItems: { [rt.env.TABLE_NAME!]: items.slice(i, i + 25) } }));
  }
  store.destroy();
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
});

describe('per-partition write budgets, on a virtual clock', () => {
  it(
    `${NODES.toLocaleString('en')} nodes at a ${HEARTBEAT_SECONDS} s heartbeat keep every key under ${PARTITION_WCU} WCU/s`,
    { timeout: 300_000 },
    async () => {
      const mark = proxy.requests.length;
      for (let round = 0; round < ROUNDS; round++) {
        // A round's heartbeats, a few at a time (their order within the period does not matter to the budget).
        for (let i = 0; i < nodes.length; i += 8) {
          await Promise.all(
            nodes.slice(i, i + 8).map(async ({ nodeId, token }) => {
              const res = await client(rt.url, bearer(token)).post(`/api/v1/cluster/members/${nodeId}/heartbeat`);
              expect(res.status, res.text).toBe(200);
            }),
          );
        }
      }
      const writes = writesByPartition(proxy.requests.slice(mark));
      // Scaled back up: writes per second on each key at NODES nodes.
      const rates = [...writes].map(([pk, n]) => ({ pk, wcuPerSecond: ((n / ROUNDS) * SCALE) / HEARTBEAT_SECONDS }));
      const members = rates.filter((r) => r.pk.startsWith('MEMBERS#'));
      // Every heartbeat landed on a member shard, every shard took some, and none took more than its share allows.
      expect(members.reduce((n, r) => n + writes.get(r.pk)!, 0)).toBe(SIMULATED * ROUNDS);
      expect(members.length).toBe(MEMBER_SHARDS);
      for (const r of rates) expect(r.wcuPerSecond, `${r.pk}: ${r.wcuPerSecond.toFixed(0)} WCU/s`).toBeLessThanOrEqual(PARTITION_WCU);
      // (Unsharded, all SIMULATED × SCALE / HEARTBEAT_SECONDS = 10,000 a second would land on one key.)
      expect(Math.max(...members.map((r) => writes.get(r.pk)! / ROUNDS))).toBeLessThanOrEqual(BUDGET_PER_ROUND);
    },
  );

  it(
    `${NODES.toLocaleString('en')} Sensu clients keeping alive every ${KEEPALIVE_SECONDS} s keep every client key under ${PARTITION_WCU} WCU/s`,
    { timeout: 300_000 },
    async () => {
      const admin = client(rt.url, bearer(await accessToken(rt, 'admin')));
      const names = Array.from({ length: SIMULATED }, (_, i) => `client-${i + 1}`);
      for (let i = 0; i < names.length; i += 8) {
        await Promise.all(names.slice(i, i + 8).map(async (name) => expect((await admin.post('/clients', { name })).status).toBe(201)));
      }
      const mark = proxy.requests.length;
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < names.length; i += 8) {
          await Promise.all(
            names.slice(i, i + 8).map(async (name) => {
              const res = await admin.post(`/clients/${name}/keepalive`);
              expect(res.status, res.text).toBe(200);
            }),
          );
        }
      }
      const writes = writesByPartition(proxy.requests.slice(mark));
      const rates = [...writes].map(([pk, n]) => ({ pk, wcuPerSecond: ((n / ROUNDS) * SCALE) / KEEPALIVE_SECONDS }));
      const clients = [...writes].filter(([pk]) => keys.clientsOf('default').includes(pk));
      const index = [...writes].filter(([pk]) => keys.clientIndexPartitions.some((p) => pk === `GSI1 ${p}`));
      // Every keepalive wrote its client and its index item, each on a shard; every shard took some.
      for (const shards of [clients, index]) {
        expect(shards.reduce((n, [, w]) => n + w, 0)).toBe(SIMULATED * ROUNDS);
        expect(shards.length).toBe(CLIENT_SHARDS);
        expect(Math.max(...shards.map(([, w]) => w / ROUNDS))).toBeLessThanOrEqual(CLIENT_BUDGET_PER_ROUND);
      }
      for (const r of rates) expect(r.wcuPerSecond, `${r.pk}: ${r.wcuPerSecond.toFixed(0)} WCU/s`).toBeLessThanOrEqual(PARTITION_WCU);
      // (Unsharded, all SIMULATED × SCALE / KEEPALIVE_SECONDS = 5,000 a second would land on one key and one index key.)
    },
  );

  it(
    `${NODES.toLocaleString('en')} leases renewed every ${RENEW_SECONDS} s keep every lease and held-lease index key under ${PARTITION_WCU} WCU/s`,
    { timeout: 300_000 },
    async () => {
      const mark = proxy.requests.length;
      // One virtual renewal period: every simulated lease renewed once, with its token (one UpdateItem each).
      for (let i = 0; i < leases.length; i += 8) {
        await Promise.all(
          leases.slice(i, i + 8).map(async ({ name, nodeId, token, fencingToken }) => {
            const res = await client(rt.url, bearer(token)).put(`/api/v1/leases/${name}`, { ttlSeconds: 3600, fencingToken });
            expect(res.status, res.text).toBe(200);
            expect(res.body.result.holder).toBe(nodeId);
          }),
        );
      }
      const writes = writesByPartition(proxy.requests.slice(mark));
      const rates = [...writes].map(([pk, n]) => ({ pk, n, wcuPerSecond: (n * LEASE_SCALE) / RENEW_SECONDS }));
      const items = rates.filter((r) => r.pk.startsWith('LEASES'));
      const index = rates.filter((r) => r.pk.startsWith('GSI1 HELD'));
      // Every renewal wrote its lease in a lease shard and its index item in a held shard; every shard took some.
      expect(items.reduce((n, r) => n + r.n, 0)).toBe(LEASES);
      expect(index.reduce((n, r) => n + r.n, 0)).toBe(LEASES);
      expect(items.map((r) => r.pk).every((pk) => keys.leasePartitions.includes(pk))).toBe(true);
      expect(items.length).toBe(LEASE_SHARDS);
      expect(index.length).toBe(LEASE_SHARDS);
      // Scaled back up, no key past its budget (unsharded, all 10,000 a second would land on LEASES and on HELD).
      for (const r of rates) expect(r.wcuPerSecond, `${r.pk}: ${r.wcuPerSecond.toFixed(0)} WCU/s`).toBeLessThanOrEqual(PARTITION_WCU);
    },
  );

  it("spreads random 53-bit node ids (Sensu's) as evenly as dense ones over the member shards", () => {
    const roll = seeded(19);
    const per = new Map<string, number>();
    for (let i = 0; i < NODES; i++) {
      const pk = keys.member(Math.floor(roll() * 2 ** 32) * 2 ** 21 + Math.floor(roll() * 2 ** 21) + 1).PK;
      per.set(pk, (per.get(pk) ?? 0) + 1);
    }
    expect(per.size).toBe(MEMBER_SHARDS);
    // The busiest shard within 5 % of an even share: ~63 % of a partition's write units at 100,000 nodes / 10 s.
    expect(Math.max(...per.values())).toBeLessThanOrEqual((NODES / MEMBER_SHARDS) * 1.05);
    expect(((Math.max(...per.values()) / HEARTBEAT_SECONDS) * 100) / PARTITION_WCU).toBeLessThan(100);
  });
});
