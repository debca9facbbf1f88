import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canonicalPeerUrl } from '../../lib/cluster/rules';
import { keys } from '../../lib/store/keys';
import { clusterClients } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * The cluster item's counters against the members, under random sequences of joins,
 * Sensu Go adds (and retried adds), claims of Sensu members by nodes, promotions, drains
 * and removals (Ella's and Sensu's), each run starting from a cluster emptied through the
 * API. After every step, read straight from the table:
 *   - memberCount is the number of members, voterCount the number of voters;
 *   - the peer URL reservations are exactly the members' peer URLs, each its owner's;
 * and a join or claim into a cluster with no other voter comes in as a voter, leading.
 * Runs share the runtime, so a drift an earlier run left shows right after the emptying.
 * COUNTERS_RUNS and COUNTERS_SEED replay or widen the search.
 */

interface Model {
  /** Per slot, the node id once a node joined or an operator added it. */
  joined: Map<number, number>;
  /** Sensu slots: the member id an add minted, and whether a node has claimed it. */
  sensu: Map<number, { id: number; claimed: boolean }>;
}
interface Real {
  run: number;
}

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let store: DynamoDBDocumentClient;
let run = 0;

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
  store = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
});
afterAll(async () => {
  store?.destroy();
  await rt?.stop();
});

interface StoredMember {
  nodeId: number;
  suffrage: string;
  peerURLs?: string[];
}

async function cluster(): Promise<{ meta: Record<string, unknown>; members: StoredMember[] }> {
  // The cluster item, and every member shard's partition (lib/store/keys.ts MEMBER_SHARDS).
  const read = (pk: string) =>
    store.send(
      new QueryCommand({
        TableName: rt.env.TABLE_NAME,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
  const [meta, ...shards] = await Promise.all([read(keys.clusterPartition), ...keys.memberKeyspaces.map((s) => read(s.partition))]);
  return {
    meta: (meta.Items ?? []).find((i) => i.SK === keys.clusterMetaSk) ?? {},
    members: shards.flatMap((out) => out.Items ?? []).filter((i) => String(i.SK).startsWith(keys.memberPrefix)) as StoredMember[],
  };
}

/** The invariants, read from the table (a Scan is fine in a test: the table is this file's). */
async function checkCounters(): Promise<void> {
  const { meta, members } = await cluster();
  expect(Number(meta.memberCount ?? 0), 'memberCount').toBe(members.length);
  expect(Number(meta.voterCount ?? 0), 'voterCount').toBe(members.filter((m) => m.suffrage === 'voter').length);
  const scan = await store.send(
    new ScanCommand({
      TableName: rt.env.TABLE_NAME,
      FilterExpression: 'begins_with(PK, :p)',
      ExpressionAttributeValues: { ':p': 'PEERURL#' },
      ConsistentRead: true,
    }),
  );
  const reserved = (scan.Items ?? []).map((i) => `${String(i.PK)}=${String(i.nodeId)}`).sort();
  const held = members.flatMap((m) => (m.peerURLs ?? []).map((u) => `${keys.peerUrl(canonicalPeerUrl(u)).PK}=${m.nodeId}`)).sort();
  expect(reserved, 'peer URL reservations').toEqual(held);
}

/** Whether the cluster, as stored, has a voter other than `nodeId`. */
async function otherVoter(nodeId: number): Promise<boolean> {
  return (await cluster()).members.some((m) => m.suffrage === 'voter' && m.nodeId !== nodeId);
}

const leaderNow = async (): Promise<number> => Number((await cluster()).meta.leaderNodeId ?? 0);

/** Every member drained (the leader with force, leaving no leader) and removed, through the API. */
async function empty(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const { members } = await cluster();
    if (members.length === 0) return;
    for (const m of members) {
      await c.operator.post(`/api/v1/cluster/members/${m.nodeId}/drain?force=true`, { deadlineSeconds: 0 });
    }
    for (const m of members) await c.admin.delete(`/api/v1/cluster/members/${m.nodeId}?force=true`);
  }
  expect((await cluster()).members).toEqual([]);
}

const nodeIdOf = (r: Real, slot: number) => r.run * 100 + slot;
const peerOf = (r: Real, slot: number) => `https://sensu-${r.run}-${slot}.example:7000`;

/** A member the model knows, by its node id: joined slots and Sensu slots alike. */
const known = (m: Readonly<Model>): number[] => [...m.joined.values(), ...[...m.sensu.values()].map((s) => s.id)];

const unclaimed = (m: Readonly<Model>) => [...m.sensu.values()].filter((x) => !x.claimed);

/** Expects a join answer: a voter leading when no other voter was there, else what `claimedVoter` says. */
function expectJoined(answer: { nodeId: number; suffrage: string; leaderNodeId: number }, alone: boolean, claimedVoter: boolean) {
  if (alone) return void expect(answer).toMatchObject({ suffrage: 'voter', leaderNodeId: answer.nodeId });
  expect(answer.suffrage).toBe(claimedVoter ? 'voter' : 'nonvoter');
}

class Join implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = (m: Readonly<Model>) => !m.joined.has(this.slot);
  async run(m: Model, r: Real) {
    const id = nodeIdOf(r, this.slot);
    const alone = !(await otherVoter(id));
    const { answer } = await c.join(id);
    expectJoined(answer, alone, false);
    m.joined.set(this.slot, id);
    await checkCounters();
  }
  toString = () => `join(${this.slot})`;
}

class SensuAdd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const url = peerOf(r, this.slot);
    const res = await c.admin.post(`/api/core/v2/cluster/members?peer-addrs=${url}`);
    const mine = m.sensu.get(this.slot);
    // A retried add (its URL still a member's) is refused: never a second member.
    if (mine) expect(res.status).toBe(409);
    else {
      expect(res.status).toBe(200);
      const added = (res.body.members as { ID: number; peerURLs: string[] }[]).find((x) => x.peerURLs.includes(url))!;
      m.sensu.set(this.slot, { id: added.ID, claimed: false });
    }
    await checkCounters();
  }
  toString = () => `sensuAdd(${this.slot})`;
}

class Claim implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => unclaimed(m).length > 0;
  async run(m: Model) {
    const mine = unclaimed(m)[this.pick % unclaimed(m).length]!;
    const before = (await cluster()).members.find((x) => x.nodeId === mine.id)!;
    const alone = !(await otherVoter(mine.id));
    const res = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(await c.mint(mine.id), mine.id));
    expect(res.status).toBe(201);
    expectJoined(res.body.result, alone, before.suffrage === 'voter');
    mine.claimed = true;
    await checkCounters();
  }
  toString = () => `claim(#${this.pick})`;
}

class Promote implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => known(m).length > 0;
  async run(m: Model) {
    const id = known(m)[this.pick % known(m).length]!;
    const voter = (await cluster()).members.find((x) => x.nodeId === id)!.suffrage === 'voter';
    expect((await c.operator.post(`/api/v1/cluster/members/${id}/promote`)).status).toBe(voter ? 409 : 200);
    await checkCounters();
  }
  toString = () => `promote(#${this.pick})`;
}

class Drain implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => known(m).length > 0;
  async run(m: Model) {
    const id = known(m)[this.pick % known(m).length]!;
    const res = await c.operator.post(`/api/v1/cluster/members/${id}/drain?force=true`, { deadlineSeconds: 0 });
    expect(res.status).toBe(200);
    expect(await leaderNow()).not.toBe(id);
    await checkCounters();
  }
  toString = () => `drain(#${this.pick})`;
}

class Remove implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly sensu: boolean,
  ) {}
  check = (m: Readonly<Model>) => known(m).length > 0;
  async run(m: Model) {
    const id = known(m)[this.pick % known(m).length]!;
    const leads = (await leaderNow()) === id;
    const res = this.sensu
      ? await c.admin.delete(`/api/core/v2/cluster/members/${id.toString(16)}`)
      : await c.admin.delete(`/api/v1/cluster/members/${id}?force=true`);
    if (leads) expect(res.status).toBe(409);
    else {
      expect(res.status).toBe(this.sensu ? 202 : 200);
      for (const [slot, x] of m.joined) if (x === id) m.joined.delete(slot);
      for (const [slot, x] of m.sensu) if (x.id === id) m.sensu.delete(slot);
    }
    await checkCounters();
  }
  toString = () => `${this.sensu ? 'sensuRemove' : 'remove'}(#${this.pick})`;
}

const slot = fc.integer({ min: 1, max: 3 });
const pick = fc.nat({ max: 5 });
const commands = [
  slot.map((s) => new Join(s)),
  slot.map((s) => new SensuAdd(s)),
  slot.map((s) => new SensuAdd(s)),
  pick.map((p) => new Claim(p)),
  pick.map((p) => new Claim(p)),
  pick.map((p) => new Promote(p)),
  pick.map((p) => new Promote(p)),
  pick.map((p) => new Drain(p)),
  fc.tuple(pick, fc.boolean()).map(([p, s]) => new Remove(p, s)),
];

describe('the cluster counters', () => {
  it('equal the members after every sequence of joins, Sensu adds, claims, promotions, drains and removals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 16, size: '+1' }), async (cmds) => {
        await empty();
        await checkCounters();
        await fc.asyncModelRun(() => ({ model: { joined: new Map(), sensu: new Map() }, real: { run: ++run } }), cmds);
      }),
      { numRuns: Number(process.env.COUNTERS_RUNS ?? 30), seed: Number(process.env.COUNTERS_SEED ?? 1313) },
    );
  }, 300_000);

  it('count a promoted Sensu member a node claims as the voter it stays, and let the first member of an emptied cluster lead', async () => {
    await empty();
    const res = await c.admin.post('/api/core/v2/cluster/members?peer-addrs=https://promoted.example:7000');
    const id = (res.body.members as { ID: number }[])[0]!.ID;
    expect((await c.operator.post(`/api/v1/cluster/members/${id}/promote`)).status).toBe(200);
    // The only voter, unclaimed: the node that claims it is the cluster's first, and leads.
    const claimed = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(await c.mint(id), id));
    expect(claimed.body.result).toMatchObject({ suffrage: 'voter', leaderNodeId: id });
    await checkCounters();
    await empty();
    await checkCounters();
    const { answer } = await c.join(9001);
    expect(answer).toMatchObject({ suffrage: 'voter', leaderNodeId: 9001 });
    await checkCounters();
  });
});
