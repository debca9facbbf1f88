import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDead, isHealthy, quorumOf, type AutopilotSettings } from '../../lib/autopilot/rules';
import type { Member } from '../../lib/cluster/member';
import {
  abdicate,
  auditOf,
  beginDrain,
  createTable,
  CREDENTIAL,
  electLeader,
  member,
  readMembers,
  readMeta,
  recordHeartbeat,
  renewLeader,
  resume,
  seed,
  settings,
  THRESHOLD_S,
  transferLeadership,
  watcherPass,
} from '../support/autopilot-store';

/**
 * Autopilot under random heartbeat, failure and drain patterns, on a fake clock against
 * DynamoDB Local: nodes crash and come back, the leader's heartbeats renew its lease and
 * voters' heartbeats elect on a lapse (racing the watcher), operators drain and resume,
 * and watcher passes run alone or two at once. After every step:
 *   - autopilot never broke quorum: after a removal, the voters are at least the minimum
 *     quorum and the healthy voters a quorum of them, and every member removed was dead;
 *   - there is at most one leader per term (from the audit, which the election writes in
 *     its own transaction);
 *   - no draining or drained member was promoted;
 *   - the cluster's counters match its members.
 * AUTOPILOT_RUNS and AUTOPILOT_SEED replay or widen the search.
 */

const S = 1000;
const NODES = [1, 2, 3, 4, 5, 6];
let day = Date.UTC(2032, 0, 1);

type Op =
  | { kind: 'tick'; seconds: number; elect: boolean }
  | { kind: 'crash' | 'recover'; nodes: number[] }
  | { kind: 'resume'; node: number }
  | { kind: 'drain'; node: number; deadlineSeconds: number }
  | { kind: 'pass' }
  | { kind: 'passes' };

const node = fc.constantFrom(...NODES);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 60 }), elect: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('crash' as const), nodes: fc.subarray(NODES, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recover' as const), nodes: fc.subarray(NODES, { minLength: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drain' as const), node, deadlineSeconds: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), node }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pass' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('passes' as const) }) },
);
const scenario = fc.record({
  voters: fc.subarray(NODES, { minLength: 1 }),
  minQuorum: fc.integer({ min: 1, max: 4 }),
  ops: fc.array(op, { minLength: 5, maxLength: 24 }),
});

beforeAll(createTable);

class World {
  now: number;
  readonly up = new Set(NODES);
  readonly s: AutopilotSettings;
  constructor(
    readonly start: number,
    minQuorum: number,
  ) {
    this.now = start;
    this.s = settings({ minQuorum, deadServerSeconds: 20 });
  }

  /**
   * Time passes in heartbeat intervals: every live node beats and the leader renews; on a
   * lapse, a voter's beat elects (`elect`), or the watcher is left to.
   */
  async tick(seconds: number, elect: boolean) {
    const until = this.now + seconds * S;
    while (this.now < until) {
      this.now = Math.min(until, this.now + 3 * S);
      const alive = (await readMembers()).filter((m) => this.up.has(m.nodeId));
      for (const m of alive) await recordHeartbeat(m.nodeId, CREDENTIAL, this.now);
      const meta = await readMeta();
      if (this.up.has(meta.leaderNodeId) && meta.leaderExpiresAt > this.now) await renewLeader(meta.leaderNodeId, meta.raftTerm, this.now);
      else if (elect && alive.some((m) => m.suffrage === 'voter' && m.drainState === 'active'))
        await electLeader(this.now, 'node:test', `beat-${this.now}`);
    }
  }

  async drain(nodeId: number, deadlineSeconds: number) {
    const audit = { actor: 'user:op', action: 'member.drain', target: `member:${nodeId}`, requestId: `drain-${this.now}` };
    const deadline = this.now + deadlineSeconds * S;
    let began = await beginDrain(nodeId, deadline, this.now, audit).catch(() => undefined); // a removed member: 404
    if (began?.kind === 'leads') {
      const moved = await transferLeadership(nodeId, this.now);
      if (moved.kind === 'no-candidate') await abdicate(nodeId); // ?force=true
      began = await beginDrain(nodeId, deadline, this.now, audit);
    }
  }

  async resume(nodeId: number) {
    await resume(nodeId, this.now, { actor: 'user:op', action: 'member.resume', target: `member:${nodeId}`, requestId: 'r' }).catch(
      () => {},
    );
  }
}

/** What must hold after a pass (or two) that started from `before`. */
function checkPass(w: World, before: Member[], after: Member[], reports: Awaited<ReturnType<typeof watcherPass>>[]) {
  const promoted = reports.flatMap((r) => r.promoted);
  const removed = reports.flatMap((r) => r.removed);
  expect(new Set(promoted).size, 'promoted twice').toBe(promoted.length);
  expect(new Set(removed).size, 'removed twice').toBe(removed.length);
  expect(reports.filter((r) => r.elected).length, 'two passes both elected').toBeLessThanOrEqual(1);
  const was = new Map(before.map((m) => [m.nodeId, m]));
  for (const id of promoted) expect(was.get(id)!.drainState, `promoted draining member ${id}`).toBe('active');
  for (const id of removed) expect(isDead(was.get(id)!, 0, w.now, w.s), `removed member ${id} was not dead`).toBe(true);
  if (removed.length) {
    const voters = after.filter((m) => m.suffrage === 'voter');
    const healthy = voters.filter((m) => isHealthy(m, w.now, THRESHOLD_S * S)).length;
    expect(voters.length, 'removal below the minimum quorum').toBeGreaterThanOrEqual(w.s.minQuorum);
    expect(healthy, 'removal below a healthy quorum').toBeGreaterThanOrEqual(quorumOf(voters.length));
  }
}

describe('autopilot under random heartbeats, failures and drains', () => {
  it('never breaks quorum, never has two leaders in a term, never promotes a draining member', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ voters, minQuorum, ops }) => {
        const w = new World((day += 86_400 * S), minQuorum);
        await seed(
          NODES.map((id) => member(id, w.now, { suffrage: voters.includes(id) ? 'voter' : 'nonvoter' })),
          { leaderNodeId: voters[0]!, leaderExpiresAt: w.now + 10 * S, raftTerm: 1 },
        );
        for (const o of ops) {
          switch (o.kind) {
            case 'tick':
              await w.tick(o.seconds, o.elect);
              break;
            case 'crash':
              for (const n of o.nodes) w.up.delete(n);
              break;
            case 'recover':
              for (const n of o.nodes) w.up.add(n);
              break;
            case 'drain':
              await w.drain(o.node, o.deadlineSeconds);
              break;
            case 'resume':
              await w.resume(o.node);
              break;
            case 'pass':
            case 'passes': {
              const before = await readMembers();
              const runs = o.kind === 'pass' ? 1 : 2;
              const reports = await Promise.all(Array.from({ length: runs }, (_, i) => watcherPass(w.now, `pass-${w.now}-${i}`, w.s)));
              checkPass(w, before, await readMembers(), reports);
              break;
            }
          }
          const members = await readMembers();
          expect(await readMeta(), 'counters').toMatchObject({
            memberCount: members.length,
            voterCount: members.filter((m) => m.suffrage === 'voter').length,
          });
        }
        const terms = new Map<number, string>();
        for (const e of await auditOf(w.start)) {
          if (e.action !== 'leader.elect' && e.action !== 'leader.transfer') continue;
          const term = (e.details as { raftTerm: number }).raftTerm;
          expect(terms.has(term), `two leaders in term ${term}: ${terms.get(term)} and ${String(e.target)}`).toBe(false);
          terms.set(term, String(e.target));
        }
      }),
      { numRuns: Number(process.env.AUTOPILOT_RUNS ?? 25), seed: Number(process.env.AUTOPILOT_SEED ?? 6006) },
    );
  }, 240_000);
});
