import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL, createTable, documents, dynamodb, keys, member, seed, TABLE, watcherPass, settings } from '../support/autopilot-store';

/**
 * Drain completion against DynamoDB Local, in this process on a fake clock: the watcher
 * finishing drains whose timer was lost, and a resume that lands inside a completion.
 */
const leases = await import('../../lib/leases/lease-store');
const { beginDrain, resume } = await import('../../lib/drain/transitions');
const { finish } = await import('../../lib/drain/completion');
const { startDrain } = await import('../../lib/drain/use-cases');

beforeAll(createTable);

const S = 1000;
const audit = { actor: 'test', action: 'member.draining', target: 'member', requestId: 'r', details: {} };

const drainState = async (nodeId: number) =>
  (await documents.send(new GetCommand({ TableName: TABLE, Key: keys.member(nodeId), ConsistentRead: true }))).Item?.drainState;
const holderOf = async (name: string) => (await leases.get(name, true))?.holder;

/** Members 1-3 lead and vote; `nodeId` holds one lease per `ttls` entry (taken at `now`), then starts draining until `deadline`. */
async function drainingWithLeases(nodeId: number, now: number, ttls: number[], deadline: number) {
  const voters = [1, 2, 3].map((id) => member(id, now - 600 * S, { suffrage: 'voter', lastHeartbeatAt: now }));
  await seed([...voters, member(nodeId, now - 600 * S, { lastHeartbeatAt: now })], { leaderNodeId: 1, leaderExpiresAt: now + 60 * S });
  const names = ttls.map((_, i) => `n${nodeId}-job-${i}-${now}`);
  for (const [i, ttl] of ttls.entries()) {
    const lease = await leases.create({
      name: names[i]!,
      holder: nodeId,
      credentialHash: CREDENTIAL,
      ttlMs: ttl,
      now: now,
      rangeId: await leases.nextRangeId(),
      token: leases.nextFencingToken(now),
    });
    expect(lease).toMatchObject({ kind: 'done' });
  }
  const began = await beginDrain(nodeId, deadline, now, audit);
  expect(began.kind).toBe('began');
  return { names, epoch: began.kind === 'began' ? began.drainEpoch : 0 };
}

describe('the watcher completes drains whose timer was lost', () => {
  it('drains a member whose last lease expired, long before its deadline', async () => {
    const now = Date.now();
    // No deadline execution was started (as after kill -9): only the watcher can finish it.
    const { names } = await drainingWithLeases(10, now, [5 * S], now + 3600 * S);
    const early = await watcherPass(now + 1 * S, 'pass-1', settings({ minQuorum: 1 }));
    expect(early.drained).toEqual([]); // the lease is still live
    expect(await drainState(10)).toBe('draining');
    const later = await watcherPass(now + 10 * S, 'pass-2', settings({ minQuorum: 1 }));
    expect(later.drained).toEqual([10]);
    expect(await drainState(10)).toBe('drained');
    expect(await holderOf(names[0]!)).toBeUndefined(); // the lapsed lease is revoked with the flip
  });

  it('keeps draining a member while one of its leases is live', async () => {
    const now = Date.now();
    await drainingWithLeases(11, now, [2 * S, 600 * S], now + 3600 * S);
    const pass = await watcherPass(now + 10 * S, 'pass-3', settings({ minQuorum: 1 }));
    expect(pass.drained).toEqual([]);
    expect(await drainState(11)).toBe('draining');
  });
});

describe('a resume racing the completion of a drain', () => {
  it('keeps every lease when the resume lands between the completion reading the leases and writing', async () => {
    const now = Date.now();
    const { names, epoch } = await drainingWithLeases(12, now, [600 * S, 600 * S, 600 * S], now);
    // The resume runs as soon as the completion reads the held-lease index, before any write of it.
    let resumed = false;
    const name = 'resume-inside-completion';
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string };
        if (!resumed && context.commandName === 'QueryCommand' && input.IndexName === 'GSI1') {
          resumed = true;
          await resume(12, now + 1, { ...audit, action: 'member.resumed' });
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      expect(await finish(12, epoch, now + 2, { actor: 'system:test', requestId: 'r' }, 'deadline')).toBe(false);
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    expect(resumed).toBe(true);
    expect(await drainState(12)).toBe('active');
    for (const n of names) expect(await holderOf(n)).toBe(12);
  });

  it('revokes every lease with the flip when the completion wins', async () => {
    const now = Date.now();
    const { names, epoch } = await drainingWithLeases(13, now, [600 * S, 600 * S], now);
    expect(await finish(13, epoch, now + 1, { actor: 'system:test', requestId: 'r' }, 'deadline')).toBe(true);
    expect(await drainState(13)).toBe('drained');
    for (const n of names) expect(await holderOf(n)).toBeUndefined();
    // A resume now finds it drained: active again, with no lease back.
    expect((await resume(13, now + 2, { ...audit, action: 'member.resumed' }))?.drainState).toBe('drained');
  });

  it('never leaves a resumed member without its leases when drain(0) and resume race', async () => {
    const caller = { actor: 'user:test', requestId: 'r' };
    for (let round = 0; round < 8; round++) {
      const nodeId = 20 + round;
      const now = Date.now();
      const voters = [1, 2, 3].map((id) => member(id, now - 600 * S, { suffrage: 'voter', lastHeartbeatAt: now }));
      await seed([...voters, member(nodeId, now - 600 * S, { lastHeartbeatAt: now })], { leaderNodeId: 1, leaderExpiresAt: now + 60 * S });
      const names = [0, 1, 2].map((i) => `race-${nodeId}-${i}-${now}`);
      for (const n of names)
        await leases.create({
          name: n,
          holder: nodeId,
          credentialHash: CREDENTIAL,
          ttlMs: 600 * S,
          now: now,
          rangeId: await leases.nextRangeId(),
          token: leases.nextFencingToken(now),
        });
      // The resume is sent a moment after the drain began, so that it lands inside its completion as often as not.
      const drained = startDrain({ nodeId, deadlineSeconds: 0, force: false, caller }).then(
        (r) => r.drainState,
        (e: Error) => e.message,
      );
      const resumed = (async () => {
        for (let i = 0; i < 50 && (await drainState(nodeId)) === 'active'; i++);
        await resume(nodeId, Date.now(), { ...audit, action: 'member.resumed' }); // the store half of POST …/resume
      })();
      const [answer] = await Promise.all([drained, resumed]);
      const holders = await Promise.all(names.map(holderOf));
      const state = await drainState(nodeId);
      if (answer !== 'drained') {
        // The resume won: the member is active and keeps every lease.
        expect(state).toBe('active');
        expect(holders).toEqual(names.map(() => nodeId));
      } else {
        // The completion won: every lease was revoked with the flip (a later resume gives none back).
        expect(holders).toEqual(names.map(() => undefined));
      }
    }
  });
});
