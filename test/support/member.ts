import type { Member } from '../../lib/cluster/member';

/** A member as the join transaction writes it at `at` (an active nonvoter, healthy since its join), with overrides. */
export function memberAt(nodeId: number, at: number, over: Partial<Member> = {}): Member {
  return {
    nodeId,
    raftAddress: `10.0.0.${nodeId}:7000`,
    apiAddress: `10.0.0.${nodeId}:5002`,
    binaryVersion: 'v1',
    certFingerprint: `fp${nodeId}`,
    suffrage: 'nonvoter',
    drainState: 'active',
    drainEpoch: 0,
    lastHeartbeatAt: at,
    joinedAt: at,
    createdAt: at,
    origin: 'join',
    peerURLs: [],
    clientURLs: [],
    healthy: true,
    stableSince: at,
    ...over,
  } as Member;
}
