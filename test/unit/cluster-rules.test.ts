import { describe, expect, it } from 'vitest';
import { memberFromItem, type Member } from '../../lib/cluster/member';
import { healthiestVoter, leaseLapsed, mayLead, nodeStatus, removalRefusal } from '../../lib/cluster/rules';

const NOW = 1_800_000_000_000;
const THRESHOLD = 10_000;

const member = (nodeId: number, over: Partial<Member> = {}): Member =>
  ({
    nodeId,
    raftAddress: 'a:1',
    apiAddress: 'a:2',
    binaryVersion: 'v1',
    certFingerprint: `fp${nodeId}`,
    suffrage: 'voter',
    drainState: 'active',
    drainEpoch: 0,
    lastHeartbeatAt: NOW - 1_000,
    joinedAt: NOW - 60_000,
    createdAt: NOW - 60_000,
    origin: 'join',
    peerURLs: [],
    clientURLs: [],
    ...over,
  }) as Member;

describe('nodeStatus', () => {
  it('is unknown before the first heartbeat, alive within the threshold, failed after', () => {
    expect(nodeStatus({}, NOW, THRESHOLD)).toBe('unknown');
    expect(nodeStatus({ lastHeartbeatAt: NOW - THRESHOLD }, NOW, THRESHOLD)).toBe('alive');
    expect(nodeStatus({ lastHeartbeatAt: NOW - THRESHOLD - 1 }, NOW, THRESHOLD)).toBe('failed');
  });
});

describe('healthiestVoter', () => {
  it('picks the freshest heartbeat among active voters within the threshold', () => {
    const members = [member(1, { lastHeartbeatAt: NOW - 5_000 }), member(2, { lastHeartbeatAt: NOW - 100 }), member(3)];
    expect(healthiestVoter(members, NOW, THRESHOLD)?.nodeId).toBe(2);
  });

  it('breaks ties to the lowest node id', () => {
    expect(healthiestVoter([member(7), member(3), member(5)], NOW, THRESHOLD)?.nodeId).toBe(3);
  });

  it('never picks a nonvoter, a draining or drained member, a silent one, or the excepted one', () => {
    const members = [
      member(1, { suffrage: 'nonvoter', lastHeartbeatAt: NOW }),
      member(2, { drainState: 'draining', drainDeadline: NOW + 1, drainUpdatedAt: NOW, lastHeartbeatAt: NOW } as Partial<Member>),
      member(3, { drainState: 'drained', drainUpdatedAt: NOW, lastHeartbeatAt: NOW } as Partial<Member>),
      member(4, { lastHeartbeatAt: NOW - THRESHOLD - 1 }),
      member(5, { lastHeartbeatAt: undefined }),
      member(6, { lastHeartbeatAt: NOW }),
    ];
    expect(healthiestVoter(members, NOW, THRESHOLD)?.nodeId).toBe(6);
    expect(healthiestVoter(members, NOW, THRESHOLD, 6)).toBeUndefined();
  });

  it('lets only active voters lead', () => {
    expect(mayLead({ suffrage: 'voter', drainState: 'active' })).toBe(true);
    expect(mayLead({ suffrage: 'voter', drainState: 'draining' })).toBe(false);
    expect(mayLead({ suffrage: 'nonvoter', drainState: 'active' })).toBe(false);
  });
});

describe('leader lease and removal rules', () => {
  it('sees a lease as lapsed when nobody holds it or it expired', () => {
    expect(leaseLapsed({ leaderNodeId: 0, leaderExpiresAt: NOW + 5_000, raftTerm: 3 }, NOW)).toBe(true);
    expect(leaseLapsed({ leaderNodeId: 1, leaderExpiresAt: NOW, raftTerm: 3 }, NOW)).toBe(true);
    expect(leaseLapsed({ leaderNodeId: 1, leaderExpiresAt: NOW + 1, raftTerm: 3 }, NOW)).toBe(false);
  });

  it('refuses the leader even with force, and an undrained member without it', () => {
    expect(removalRefusal({ nodeId: 1, drainState: 'drained' }, 1, true)).toMatch(/leader/);
    expect(removalRefusal({ nodeId: 2, drainState: 'active' }, 1, false)).toMatch(/drained/);
    expect(removalRefusal({ nodeId: 2, drainState: 'active' }, 1, true)).toBeUndefined();
    expect(removalRefusal({ nodeId: 2, drainState: 'drained' }, 1, false)).toBeUndefined();
  });
});

describe('member items', () => {
  it('maps an item to the domain union, dropping keys and the credential', () => {
    const m = memberFromItem({ PK: 'CLUSTER', SK: 'MEMBER#1', credentialHash: 'h', credentialId: 'c', joinedJti: 'j', ...member(1) });
    expect(m).toEqual(member(1));
    expect(m).not.toHaveProperty('credentialHash');
  });

  it('refuses a draining member without a deadline', () => {
    expect(() => memberFromItem({ ...member(1), drainState: 'draining', drainUpdatedAt: NOW })).toThrow();
  });

  it('refuses a drained member without its time, and attributes of the wrong type', () => {
    expect(() => memberFromItem({ ...member(1), drainState: 'drained' })).toThrow();
    expect(() => memberFromItem({ ...member(1), drainState: 'paused' })).toThrow();
    expect(() => memberFromItem({ ...member(1), nodeId: '1' })).toThrow();
    expect(() => memberFromItem({ ...member(1), peerURLs: [1] })).toThrow();
    expect(() => memberFromItem({ ...member(1), healthy: 'yes' })).toThrow();
  });

  it('gives an item written before an attribute existed its default, and drops what its state does not have', () => {
    const { drainEpoch: _e, peerURLs: _p, clientURLs: _c, certFingerprint: _f, ...old } = member(1);
    expect(memberFromItem(old)).toEqual({ ...member(1), certFingerprint: '' });
    expect(memberFromItem({ ...member(1), drainDeadline: NOW, later: 'x' })).toEqual(member(1));
    const draining = { ...member(1), drainState: 'draining', drainDeadline: NOW + 1, drainUpdatedAt: NOW, numCpus: 4, healthy: false };
    expect(memberFromItem(draining)).toEqual(draining);
  });
});
