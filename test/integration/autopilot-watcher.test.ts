import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditOf,
  beginDrain,
  commandsDuring,
  createTable,
  CREDENTIAL,
  member,
  MEMBER_SHARDS,
  readMembers,
  readMeta,
  recordHeartbeat,
  seed,
  settings,
  watcherPass,
} from '../support/autopilot-store';

const leases = await import('../../lib/leases/lease-store');

/**
 * Each rule of the watcher's pass, on a fake clock against DynamoDB Local: the test
 * passes `now`, so every deadline is asserted just before and just after it.
 * Settings: last-contact threshold 10 s, stabilization 10 s, dead after 30 s failed.
 */

const S = 1000;
let day = Date.UTC(2031, 0, 1);
/** Each test on a day of its own, so its audit entries are its own. */
const nextDay = () => (day += 86_400 * S);

beforeAll(createTable);

const beat = async (at: number, ...ids: number[]) => {
  for (const id of ids) await recordHeartbeat(id, CREDENTIAL, at);
};
const pass = (at: number, over = {}) => watcherPass(at, `test-${at}`, settings(over));
const byId = async (id: number) => (await readMembers()).find((m) => m.nodeId === id);
const actions = async (at: number, action: string) => (await auditOf(at)).filter((e) => e.action === action);
const held = (t: number) => ({ leaderNodeId: 1, leaderExpiresAt: t + 3_600 * S });
const voters = (t: number, ...ids: number[]) => ids.map((id) => member(id, t, { suffrage: 'voter' }));

describe('health transitions', () => {
  it('records a silent member as unhealthy from when its heartbeat aged past the threshold, and healthy again from its return', async () => {
    const t = nextDay();
    await seed(voters(t, 1, 2), held(t));
    await beat(t + 9 * S, 1);
    expect((await pass(t + 9 * S)).health).toEqual([]);

    await beat(t + 11 * S, 1);
    const failed = await pass(t + 11 * S);
    expect(failed.health).toEqual([{ nodeId: 2, healthy: false, stableSince: new Date(t + 10 * S).toISOString() }]);
    expect(await byId(2)).toMatchObject({ healthy: false, stableSince: t + 10 * S });

    await beat(t + 20 * S, 1, 2);
    const back = await pass(t + 21 * S);
    expect(back.health).toEqual([{ nodeId: 2, healthy: true, stableSince: new Date(t + 20 * S).toISOString() }]);
    expect(await byId(2)).toMatchObject({ healthy: true, stableSince: t + 20 * S });
    expect((await actions(t, 'member.health')).map((e) => [e.target, e.actor, (e.details as { healthy: boolean }).healthy])).toEqual([
      ['member:2', 'system:autopilot', false],
      ['member:2', 'system:autopilot', true],
    ]);
  });

  it('keeps a member that never heartbeated unhealthy and never removes it as dead', async () => {
    const t = nextDay();
    const unclaimed = member(3, t, {
      origin: 'sensu',
      lastHeartbeatAt: undefined,
      joinedAt: undefined,
      healthy: undefined,
      stableSince: undefined,
    });
    await seed([...voters(t, 1), unclaimed], held(t));
    await beat(t + 1_000 * S, 1);
    const report = await pass(t + 1_000 * S, { minQuorum: 1 });
    expect(report.health).toEqual([{ nodeId: 3, healthy: false, stableSince: new Date(t).toISOString() }]);
    expect(report.removed).toEqual([]);
    expect(await byId(3)).toBeDefined();
  });
});

describe('promotion', () => {
  it('promotes a nonvoter once it has been healthy for the stabilization time, and not before', async () => {
    const t = nextDay();
    await seed([...voters(t, 1, 2, 3), member(4, t)], held(t));
    await beat(t + 9 * S, 1, 2, 3, 4);
    expect((await pass(t + 9 * S)).promoted).toEqual([]);
    expect((await byId(4))!.suffrage).toBe('nonvoter');

    await beat(t + 10 * S, 1, 2, 3, 4);
    expect((await pass(t + 10 * S)).promoted).toEqual([4]);
    expect((await byId(4))!.suffrage).toBe('voter');
    expect((await readMeta()).voterCount).toBe(4);
    expect(await actions(t, 'member.promote')).toMatchObject([{ target: 'member:4', actor: 'system:autopilot' }]);
  });

  it('never promotes a draining or drained nonvoter, however long it has been healthy', async () => {
    const t = nextDay();
    await seed(
      [
        ...voters(t, 1),
        member(5, t - 600 * S, { drainState: 'draining', drainDeadline: t + 3_600 * S, drainUpdatedAt: t } as never),
        member(6, t - 600 * S, { drainState: 'drained', drainUpdatedAt: t } as never),
      ],
      held(t),
    );
    await beat(t + 60 * S, 1, 5, 6);
    expect((await pass(t + 60 * S)).promoted).toEqual([]);
    expect((await readMembers()).filter((m) => m.suffrage === 'voter').map((m) => m.nodeId)).toEqual([1]);
  });

  it('starts the stabilization over after a failure', async () => {
    const t = nextDay();
    await seed([...voters(t, 1), member(4, t - 600 * S)], held(t)); // 4 went silent long ago
    await pass(t);
    expect(await byId(4)).toMatchObject({ healthy: false, stableSince: t - 590 * S });
    await beat(t + 1 * S, 1, 4);
    await pass(t + 1 * S);
    expect(await byId(4)).toMatchObject({ healthy: true, stableSince: t + 1 * S });
    await beat(t + 10 * S, 1, 4);
    expect((await pass(t + 10 * S)).promoted).toEqual([]); // healthy for 9 s
    await beat(t + 11 * S, 1, 4);
    expect((await pass(t + 11 * S)).promoted).toEqual([4]);
  });
});

describe('leader election', () => {
  it('elects the freshest active voter within the threshold once the lease lapses, ties to the lowest node id', async () => {
    const t = nextDay();
    await seed(
      [
        ...voters(t, 1, 2, 3),
        member(4, t), // a nonvoter with the freshest heartbeat: no vote, no lead
        member(5, t, { suffrage: 'voter', drainState: 'draining', drainDeadline: t + 3_600 * S, drainUpdatedAt: t } as never),
      ],
      { leaderNodeId: 1, leaderExpiresAt: t + 5 * S, raftTerm: 7 },
    );
    await beat(t + 4 * S, 2, 3);
    expect((await pass(t + 4 * S)).elected).toBeUndefined();
    await beat(t + 8 * S, 3, 2, 5);
    await beat(t + 9 * S, 4);
    expect((await pass(t + 9 * S)).elected).toEqual({ leaderNodeId: 2, raftTerm: 8 });
    expect(await readMeta()).toMatchObject({ leaderNodeId: 2, raftTerm: 8 });
    expect(await actions(t, 'leader.elect')).toMatchObject([{ target: 'member:2', actor: 'system:autopilot' }]);
  });

  it('elects nobody while no active voter is within the threshold', async () => {
    const t = nextDay();
    await seed(voters(t, 1, 2), { leaderNodeId: 1, leaderExpiresAt: t + 5 * S });
    const report = await pass(t + 11 * S);
    expect(report.elected).toBeUndefined();
    expect((await readMeta()).raftTerm).toBe(1);
  });
});

describe('dead servers', () => {
  it('removes a server failed for longer than the dead-server time, and not before', async () => {
    const t = nextDay();
    await seed(voters(t, 1, 2, 3, 4, 5), held(t));
    await beat(t + 40 * S, 1, 2, 3, 4);
    expect((await pass(t + 40 * S)).removed).toEqual([]); // failed at t + 10 s: exactly 30 s
    await beat(t + 41 * S, 1, 2, 3, 4);
    expect((await pass(t + 41 * S)).removed).toEqual([5]);
    expect(await byId(5)).toBeUndefined();
    expect(await readMeta()).toMatchObject({ voterCount: 4, memberCount: 4 });
    expect(await actions(t, 'member.remove')).toMatchObject([
      { target: 'member:5', actor: 'system:autopilot', details: { reason: 'dead', failedForSeconds: 31 } },
    ]);
  });

  it('keeps dead servers when cleanup is off', async () => {
    const t = nextDay();
    await seed(voters(t, 1, 2, 3, 4, 5), held(t));
    await beat(t + 100 * S, 1, 2, 3, 4);
    expect((await pass(t + 100 * S, { cleanupDeadServers: false })).removed).toEqual([]);
    expect(await byId(5)).toBeDefined();
  });

  it('never leaves fewer voters than the minimum quorum, but removes a dead nonvoter', async () => {
    const t = nextDay();
    await seed([...voters(t, 1, 2, 3), member(4, t)], held(t));
    await beat(t + 100 * S, 1, 2);
    const report = await pass(t + 100 * S, { minQuorum: 3 });
    expect(report.removed).toEqual([4]);
    expect(report.skipped).toContainEqual({
      nodeId: 3,
      step: 'remove',
      reason: expect.stringContaining('fewer than the minimum quorum of 3'),
    });
    expect((await readMembers()).map((m) => m.nodeId)).toEqual([1, 2, 3]);
  });

  it('never leaves fewer healthy voters than a quorum of the voters left, judging each removal on the last', async () => {
    const t = nextDay();
    await seed(voters(t, 1, 2, 3, 4, 5), held(t));
    await beat(t + 100 * S, 1, 2);
    const short = await pass(t + 100 * S, { minQuorum: 1 });
    expect(short.removed).toEqual([]); // 4 voters left, 2 healthy: short of 3
    expect(short.skipped.map((s) => s.nodeId)).toEqual([3, 4, 5]);

    const u = nextDay();
    await seed(voters(u, 1, 2, 3, 4, 5), held(u));
    await beat(u + 100 * S, 1, 2, 3);
    expect((await pass(u + 100 * S, { minQuorum: 1 })).removed).toEqual([4, 5]); // 4 left with 3 healthy, then 3 with 3
    expect(await readMeta()).toMatchObject({ voterCount: 3, memberCount: 3 });
  });

  it('never removes the leader, even a silent one whose lease still stands', async () => {
    const t = nextDay();
    await seed(voters(t, 1, 2, 3, 4, 5), held(t));
    await beat(t + 100 * S, 2, 3, 4, 5);
    const report = await pass(t + 100 * S);
    expect(report.removed).toEqual([]);
    expect((await readMembers()).map((m) => m.nodeId)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('overdue drains', () => {
  it('completes a drain whose deadline passed, and not before, while the member holds a live lease', async () => {
    const t = nextDay();
    await seed([...voters(t, 1), member(7, t)], held(t));
    // A live lease keeps it draining until the deadline (with none left, it would be drained at once).
    const name = `job-${t}`;
    expect(
      await leases.create({
        name: name,
        holder: 7,
        credentialHash: CREDENTIAL,
        ttlMs: 60 * S,
        now: t,
        rangeId: await leases.nextRangeId(),
        token: leases.nextFencingToken(t),
      }),
    ).toMatchObject({ kind: 'done' });
    const began = await beginDrain(7, t + 5 * S, t, { actor: 'test', action: 'member.drain', target: 'member:7', requestId: 'r' });
    expect(began.kind).toBe('began');
    await beat(t + 4 * S, 1, 7);
    expect((await pass(t + 4 * S)).drained).toEqual([]);
    expect((await byId(7))!.drainState).toBe('draining');
    await beat(t + 6 * S, 1, 7);
    expect((await pass(t + 6 * S)).drained).toEqual([7]);
    expect((await byId(7))!.drainState).toBe('drained');
    expect((await leases.get(name, true))?.holder).toBeUndefined(); // revoked with the flip
  });
});

describe('overlapping passes', () => {
  it('promotes once, removes once and elects one leader when two passes run at once', async () => {
    for (let round = 0; round < 5; round++) {
      const t = nextDay();
      await seed([...voters(t, 1, 2, 3, 4, 5), member(6, t - 60 * S)], { leaderNodeId: 1, leaderExpiresAt: t + 5 * S, raftTerm: 3 });
      await beat(t + 45 * S, 2, 3, 4, 6); // 1 and 5 fell silent at t: 5 is dead, 1 led until t + 5 s
      const reports = await Promise.all([pass(t + 45 * S, { minQuorum: 3 }), pass(t + 45 * S, { minQuorum: 3 })]);

      expect(reports.flatMap((r) => r.promoted)).toEqual([6]);
      expect(reports.flatMap((r) => (r.elected ? [r.elected] : []))).toEqual([{ leaderNodeId: 2, raftTerm: 4 }]);
      // Both dead voters go (the promotion keeps a healthy quorum), each removed by one pass only.
      expect(reports.flatMap((r) => r.removed).sort()).toEqual([1, 5]);
      const members = await readMembers();
      expect(members.map((m) => m.nodeId)).toEqual([2, 3, 4, 6]);
      expect(await readMeta()).toMatchObject({
        leaderNodeId: 2,
        raftTerm: 4,
        memberCount: members.length,
        voterCount: members.filter((m) => m.suffrage === 'voter').length,
      });
      expect(await actions(t, 'member.promote')).toHaveLength(1);
      expect(await actions(t, 'leader.elect')).toHaveLength(1);
      expect(await actions(t, 'member.remove')).toHaveLength(2);
    }
  });
});

describe('overlapping passes and the minimum quorum', () => {
  it('never lets two passes each remove a dead voter when together they would leave fewer voters than the minimum', async () => {
    for (let round = 0; round < 5; round++) {
      const t = nextDay();
      await seed(voters(t, 1, 2, 3, 4, 5), held(t));
      await beat(t + 100 * S, 1, 2, 3);
      // Either removal alone leaves 4 voters, the minimum; both would leave 3.
      const reports = await Promise.all([pass(t + 100 * S, { minQuorum: 4 }), pass(t + 100 * S, { minQuorum: 4 })]);
      expect(reports.flatMap((r) => r.removed)).toHaveLength(1);
      expect((await readMembers()).filter((m) => m.suffrage === 'voter')).toHaveLength(4);
      expect((await readMeta()).voterCount).toBe(4);
    }
  });
});

describe('cost', () => {
  it('reads the members with one Query per member shard per pass, never a Scan, whatever the size of the cluster', async () => {
    for (const size of [5, 60]) {
      const t = nextDay();
      await seed(voters(t, ...Array.from({ length: size }, (_, i) => i + 1)), held(t));
      const { commands } = await commandsDuring(() => pass(t + 1 * S));
      expect(commands.filter((c) => c === 'QueryCommand')).toHaveLength(MEMBER_SHARDS);
      expect(commands).not.toContain('ScanCommand');
      expect(commands).toEqual(['GetItemCommand', ...Array<string>(MEMBER_SHARDS).fill('QueryCommand')]);
    }
  });
});
