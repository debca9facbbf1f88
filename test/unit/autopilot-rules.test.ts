import { describe, expect, it } from 'vitest';
import {
  autopilotView,
  failureTolerance,
  healthOf,
  isDead,
  promotable,
  quorumOf,
  removalBreaksQuorum,
  serverStatus,
  type AutopilotSettings,
} from '../../lib/autopilot/rules';
import type { Member } from '../../lib/cluster/member';
import { memberAt } from '../support/member';

const NOW = 1_800_000_000_000;
const S = 1000;
const settings: AutopilotSettings = {
  lastContactThresholdSeconds: 10,
  serverStabilizationSeconds: 10,
  cleanupDeadServers: true,
  deadServerSeconds: 300,
  minQuorum: 3,
};

/** A voter that joined 10 minutes ago and heartbeated a second ago. */
const member = (nodeId: number, over: Partial<Member> = {}): Member =>
  memberAt(nodeId, NOW - 600 * S, { suffrage: 'voter', lastHeartbeatAt: NOW - 1 * S, ...over });
const silent = (nodeId: number, seconds: number, over: Partial<Member> = {}) =>
  member(nodeId, { lastHeartbeatAt: NOW - seconds * S, ...over });

describe('failure tolerance', () => {
  it('is the healthy voters beyond a quorum, never below 0', () => {
    expect([1, 2, 3, 4, 5].map(quorumOf)).toEqual([1, 2, 2, 3, 3]);
    expect(failureTolerance(5, 5)).toBe(2);
    expect(failureTolerance(5, 3)).toBe(0);
    expect(failureTolerance(5, 1)).toBe(0);
    expect(failureTolerance(4, 4)).toBe(1);
    expect(failureTolerance(0, 0)).toBe(0);
  });
});

describe('server status and health', () => {
  it('is alive within the threshold, failed after, unknown before any heartbeat, and left once drained', () => {
    expect(serverStatus(silent(1, 10), NOW, 10 * S)).toBe('alive');
    expect(serverStatus(silent(1, 11), NOW, 10 * S)).toBe('failed');
    expect(serverStatus(member(1, { lastHeartbeatAt: undefined }), NOW, 10 * S)).toBe('unknown');
    expect(serverStatus(member(1, { drainState: 'drained', drainUpdatedAt: NOW } as Partial<Member>), NOW, 10 * S)).toBe('left');
  });

  it('keeps the persisted stableSince while health has not changed', () => {
    expect(healthOf(member(1), NOW, 10 * S)).toEqual({ healthy: true, stableSince: NOW - 600 * S, changed: false });
  });

  it('dates an unrecorded failure to the moment the last heartbeat aged past the threshold', () => {
    expect(healthOf(silent(1, 25), NOW, 10 * S)).toEqual({ healthy: false, stableSince: NOW - 15 * S, changed: true });
  });

  it('dates an unrecorded recovery no earlier than the last heartbeat', () => {
    const back = member(1, { healthy: false, stableSince: NOW - 100 * S, lastHeartbeatAt: NOW - 2 * S });
    expect(healthOf(back, NOW, 10 * S)).toEqual({ healthy: true, stableSince: NOW - 2 * S, changed: true });
  });

  it('dates a member that never heartbeated from its creation', () => {
    const unclaimed = member(1, { lastHeartbeatAt: undefined, healthy: undefined, stableSince: undefined });
    expect(healthOf(unclaimed, NOW, 10 * S)).toEqual({ healthy: false, stableSince: NOW - 600 * S, changed: true });
  });
});

describe('promotion', () => {
  it('promotes an active nonvoter healthy for the stabilization time, on recorded health only', () => {
    expect(promotable(member(1, { suffrage: 'nonvoter', stableSince: NOW - 10 * S }), NOW, settings)).toBe(true);
    expect(promotable(member(1, { suffrage: 'nonvoter', stableSince: NOW - 9 * S }), NOW, settings)).toBe(false);
    expect(promotable(member(1, { suffrage: 'voter' }), NOW, settings)).toBe(false);
    expect(promotable(silent(1, 11, { suffrage: 'nonvoter' }), NOW, settings)).toBe(false);
    expect(promotable(member(1, { suffrage: 'nonvoter', healthy: false }), NOW, settings)).toBe(false); // recovery not recorded yet
  });

  it('never promotes a draining or drained member', () => {
    const draining = member(1, {
      suffrage: 'nonvoter',
      drainState: 'draining',
      drainDeadline: NOW,
      drainUpdatedAt: NOW,
    } as Partial<Member>);
    const drained = member(2, { suffrage: 'nonvoter', drainState: 'drained', drainUpdatedAt: NOW } as Partial<Member>);
    expect(promotable(draining, NOW, settings)).toBe(false);
    expect(promotable(drained, NOW, settings)).toBe(false);
  });
});

describe('dead servers', () => {
  it('is dead once failed for longer than the dead-server time, never the leader, never a member that never heartbeated', () => {
    expect(isDead(silent(2, 310), 1, NOW, settings)).toBe(false); // failed for exactly 300 s
    expect(isDead(silent(2, 311), 1, NOW, settings)).toBe(true);
    expect(isDead(silent(1, 311), 1, NOW, settings)).toBe(false);
    expect(isDead(member(2, { lastHeartbeatAt: undefined }), 1, NOW, settings)).toBe(false);
    expect(isDead(silent(2, 311), 1, NOW, { ...settings, cleanupDeadServers: false })).toBe(false);
  });

  it('keeps the minimum quorum of voters and a healthy quorum of those left', () => {
    const three = [member(1), member(2), silent(3, 1_000)];
    expect(removalBreaksQuorum(three, 3, NOW, settings)).toMatch(/leave 2 voters, fewer than the minimum quorum of 3/);
    expect(removalBreaksQuorum(three, 3, NOW, { ...settings, minQuorum: 2 })).toBeUndefined();
    const five = [member(1), member(2), silent(3, 1_000), silent(4, 1_000), silent(5, 1_000)];
    expect(removalBreaksQuorum(five, 5, NOW, { ...settings, minQuorum: 1 })).toMatch(/leave 2 healthy of 4 voters, short of a quorum/);
    const nonvoter = [member(1), member(2), member(3), silent(4, 1_000, { suffrage: 'nonvoter' })];
    expect(removalBreaksQuorum(nonvoter, 4, NOW, settings)).toBeUndefined();
  });
});

describe('the autopilot view', () => {
  it('reports health, failure tolerance, the voters and each server', () => {
    const members = [member(3, { suffrage: 'nonvoter' }), member(1), member(2), silent(4, 60)];
    const view = autopilotView({ leaderNodeId: 1, leaderExpiresAt: NOW + 5 * S, raftTerm: 4 }, members, NOW, settings);
    expect(view).toMatchObject({ healthy: false, failureTolerance: 0, leaderNodeId: 1, voters: [1, 2, 4] });
    expect(view.servers.map((s) => s.nodeId)).toEqual([1, 2, 3, 4]);
    expect(view.servers[0]).toEqual({
      nodeId: 1,
      raftAddress: '10.0.0.1:7000',
      nodeStatus: 'alive',
      healthy: true,
      isLeader: true,
      hasVotingRights: true,
      stableSince: new Date(NOW - 600 * S).toISOString(),
    });
    expect(view.servers[3]).toMatchObject({
      nodeStatus: 'failed',
      healthy: false,
      isLeader: false,
      stableSince: new Date(NOW - 50 * S).toISOString(),
    });
  });

  it('is healthy when every voter is, and tolerates the failures a quorum allows', () => {
    const view = autopilotView(
      { leaderNodeId: 1, leaderExpiresAt: NOW + 1, raftTerm: 1 },
      [1, 2, 3, 4, 5].map((id) => member(id)),
      NOW,
      settings,
    );
    expect(view).toMatchObject({ healthy: true, failureTolerance: 2 });
  });

  it('says 0 for the leader once its lease has lapsed, and is not healthy without voters', () => {
    const lapsed = autopilotView({ leaderNodeId: 1, leaderExpiresAt: NOW, raftTerm: 1 }, [member(1)], NOW, settings);
    expect(lapsed.leaderNodeId).toBe(0);
    expect(lapsed.servers[0]!.isLeader).toBe(false);
    const empty = autopilotView({ leaderNodeId: 0, leaderExpiresAt: 0, raftTerm: 0 }, [], NOW, settings);
    expect(empty).toEqual({ healthy: false, failureTolerance: 0, leaderNodeId: 0, voters: [], servers: [] });
  });
});
