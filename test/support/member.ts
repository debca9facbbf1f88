import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Member } from '../../lib/cluster/member';
import { keys } from '../../lib/store/keys';

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

/**
 * For a mocked store (aws-sdk-client-mock): each member shard's Query answers the given
 * member items that live in it (lib/store/keys.ts MEMBER_SHARDS), and any other Query none.
 */
export function answerMemberQueries(
  ddb: { on: (command: typeof QueryCommand, input?: object) => { resolves: (out: object) => unknown } },
  items: Record<string, unknown>[],
) {
  ddb.on(QueryCommand).resolves({ Items: [] });
  for (const space of keys.memberKeyspaces) {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': space.partition } })
      .resolves({ Items: items.filter((i) => i.PK === space.partition) });
  }
}
