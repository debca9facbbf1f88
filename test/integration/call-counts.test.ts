import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { memberToItem } from '../../lib/cluster/member';
import { keys } from '../../lib/store/keys';
import { chunks } from '../../lib/store/parallel';
import { clusterClients, sleep } from '../support/cluster';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { memberAt } from '../support/member';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * #19.1–2: a join and a heartbeat cost the same DynamoDB calls at 10 members as at 10,000,
 * an election by a voter's heartbeat included.
 * Every call the runtime makes goes through the fault proxy (no faults), which counts them
 * by operation; the members beyond the few joined are seeded straight into the table with
 * BatchWriteItem (10,000 take a few seconds on DynamoDB Local).
 */

// No scheduled watcher: every store call is one a request made. A lease that outlasts the
// file, so the leader's heartbeats renew it throughout; leaderless is made by hand below.
const ENV = { ROSTER_WATCHER_INTERVAL_SECONDS: '3600', LEADER_LEASE_SECONDS: '600' };
/** The heartbeat's reuse window: at most a fifth of the lease, and never over a second (lib/cluster/heartbeat.ts). */
const REUSE_MS = 1_000;
const BEATS = 12;

let proxy: FaultProxy;
let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let store: DynamoDBDocumentClient;
let table: string;
const node = new Map<number, Awaited<ReturnType<typeof c.join>>>();

beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamodbEndpoint'));
  rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint, ...ENV });
  table = rt.env.TABLE_NAME!;
  store = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  c = await clusterClients(rt);
  node.set(1, await c.join(1)); // the first voter, and the leader
  node.set(2, await c.join(2)); // a nonvoter
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
  store?.destroy();
});

/** Members `from`..`to` (nonvoters that never joined through the API), straight into the table, with the counter. */
async function seed(from: number, to: number) {
  const now = Date.now();
  const items = Array.from({ length: to - from + 1 }, (_, i) => ({ PutRequest: { Item: memberToItem(memberAt(from + i, now)) } }));
  const batches = chunks(items, 25);
  // A few batches in flight at once: DynamoDB Local takes them as fast as one at a time would, minus the round trips.
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map(async (batch) => {
        let pending: typeof batch | undefined = batch;
        while (pending?.length) {
          const out = await store.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = out.UnprocessedItems?.[table] as typeof batch | undefined;
        }
      }),
    );
  }
  await store.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.clusterMeta(),
      UpdateExpression: 'ADD memberCount :n',
      ExpressionAttributeValues: { ':n': items.length },
    }),
  );
}

/** The store calls the runtime made while `act` ran, by operation, and how long it took. */
async function counted(act: () => Promise<void>) {
  const mark = proxy.requests.length;
  const started = Date.now();
  await act();
  const ms = Date.now() - started;
  const ops: Record<string, number> = {};
  for (const r of proxy.requests.slice(mark)) ops[r.operation] = (ops[r.operation] ?? 0) + 1;
  return { ops, ms };
}

/** Sets the leader lease by hand (as an abdication, or a restored lease, would leave it), then lets every reused copy go stale. */
async function setLease(leaderNodeId: number, leaderExpiresAt: number) {
  await store.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.clusterMeta(),
      UpdateExpression: 'SET leaderNodeId = :id, leaderExpiresAt = :exp',
      ExpressionAttributeValues: { ':id': leaderNodeId, ':exp': leaderExpiresAt },
    }),
  );
  await sleep(REUSE_MS + 200);
}

async function beats(nodeId: number) {
  const { node: client } = node.get(nodeId)!;
  await c.beat(client, nodeId); // warms the container's copy of the cluster item (not counted)
  return counted(async () => {
    for (let i = 0; i < BEATS; i++) {
      const res = await c.beat(client, nodeId);
      expect(res.status).toBe(200);
    }
  });
}

interface Costs {
  join: Record<string, number>;
  leader: Record<string, number>;
  follower: Record<string, number>;
  leaderless: Record<string, number>;
  election: Record<string, number>;
}

/** Consistent reads of the cluster item allowed over `ms`: one per reuse window, and one for a window begun before. */
const reusedReads = (ms: number) => 1 + Math.ceil(ms / REUSE_MS);

/** One join (its token minted before counting), then the heartbeats: the leader's, a follower's, and a leaderless cluster's. */
async function measure(joining: number): Promise<Costs> {
  const token = await c.mint(joining);
  const join = await counted(async () => {
    const res = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, joining));
    expect(res.status).toBe(201);
  });

  const leader = await beats(1);
  const follower = await beats(2);
  // Each beat is one write (the leader's also renews its lease); the cluster item is read at most once a window.
  expect(leader.ops.UpdateItem).toBe(2 * BEATS);
  expect(follower.ops.UpdateItem).toBe(BEATS);
  for (const { ops, ms } of [leader, follower]) expect(ops.GetItem ?? 0).toBeLessThanOrEqual(reusedReads(ms));

  // Leaderless: the lease given up; the nonvoter's heartbeats stay one write each, and elect nobody.
  await setLease(0, 0);
  const leaderless = await beats(2);
  expect(leaderless.ops.UpdateItem).toBe(BEATS);
  expect(leaderless.ops.GetItem ?? 0).toBeLessThanOrEqual(reusedReads(leaderless.ms));

  // A voter's heartbeat in the leaderless cluster elects: on its own read of the cluster item and
  // the voters the item pins, read by key (here node 1 alone), then the transaction; never the members.
  await setLease(0, 0);
  const election = await counted(async () => {
    const res = await c.beat(node.get(1)!.node, 1);
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ isLeader: true, leaderNodeId: 1 });
  });
  expect(election.ops.GetItem).toBe(2);
  await setLease(1, Date.now() + 600_000);

  // What never grows with the cluster: no Query or Scan of the members, and the same kinds of call at every size.
  const shape = (ops: Record<string, number>) => {
    const { GetItem: _reads, ...rest } = ops;
    return rest;
  };
  return {
    join: join.ops,
    leader: shape(leader.ops),
    follower: shape(follower.ops),
    leaderless: shape(leaderless.ops),
    election: shape(election.ops),
  };
}

describe('call counts at 10 and 10,000 members', () => {
  it(
    'a join is one BatchGetItem and one transaction, a heartbeat one write and an election by heartbeat the cluster item, its voters and one transaction, at either size; a read of every member one Query a shard',
    { timeout: 600_000 },
    async () => {
      await seed(1_000, 1_006); // with nodes 1 and 2, and node 3 joining: 10 members
      const small = await measure(3);

      await seed(1_007, 10_999); // and node 4 joining: 10,001
      const large = await measure(4);

      expect(small.join).toEqual({ BatchGetItem: 1, TransactWriteItems: 1 });
      expect(small.leader).toEqual({ UpdateItem: 2 * BEATS });
      expect(small.follower).toEqual({ UpdateItem: BEATS });
      expect(small.leaderless).toEqual({ UpdateItem: BEATS });
      expect(small.election).toEqual({ UpdateItem: 1, TransactWriteItems: 1 });
      expect(large).toEqual(small);

      // Reading every one of the 10,001 (autopilot) is one Query per member shard: each shard's
      // ~625 members come in one 1 MB page, not a Query per 500 and empty ranges after it.
      const autopilot = await counted(async () => expect((await c.readonly.get('/api/v1/cluster/autopilot')).status).toBe(200));
      expect(autopilot.ops.Query).toBe(keys.memberKeyspaces.length);
    },
  );
});
