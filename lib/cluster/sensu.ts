import { randomBytes } from 'node:crypto';
import { actorOf, recordAudit } from '../audit/audit';
import { sensuMemberList } from '../compat/sensu-cluster';
import type { Principal } from '../identity/principal';
import type { Member } from './member';
import { getClusterMeta } from './meta';
import { removeMember } from './members';
import * as repo from './repository';

/** The Sensu Go cluster surface over the same members. */

/** The members and the cluster item in one Query stream. */
async function memberList() {
  const { meta, members } = await repo.readMintedCluster();
  return sensuMemberList(meta, members);
}

export const listSensuMembers = memberList;

/** A random member id below 2^53: exact in JSON, and no counter item for every add to contend on. */
const newMemberId = (): number => Number(randomBytes(8).readBigUInt64BE() >> 11n) || 1;

/**
 * POST ?peer-addrs=: an operator adds a member ahead of its node (a nonvoter with no
 * heartbeat, `unknown` until a node joins with a token minted for its id).
 */
export async function addSensuMember(input: { peerURLs: string[]; by: Principal; requestId: string }) {
  await getClusterMeta(); // the counters below live on the cluster item
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = Date.now();
    const member: Member = {
      nodeId: newMemberId(),
      raftAddress: new URL(input.peerURLs[0]!).host,
      apiAddress: '',
      binaryVersion: '',
      certFingerprint: '',
      suffrage: 'nonvoter',
      drainState: 'active',
      drainEpoch: 0,
      createdAt: now,
      origin: 'sensu',
      peerURLs: input.peerURLs,
      clientURLs: [],
    };
    const audit = {
      actor: actorOf(input.by),
      action: 'member.add',
      target: `member:${member.nodeId}`,
      requestId: input.requestId,
      details: { peerURLs: input.peerURLs },
    };
    if ((await repo.addUnclaimed(member, audit)) === 'added') return memberList();
  }
  throw new Error('Three random member ids in a row were taken');
}

/** PUT /{hex}?peer-addrs=: new peer URLs for a member. */
export async function updateSensuMember(input: { nodeId: number; peerURLs: string[]; by: Principal; requestId: string }) {
  await repo.setPeerUrls(input.nodeId, input.peerURLs);
  await recordAudit({
    actor: actorOf(input.by),
    action: 'member.update-peers',
    target: `member:${input.nodeId}`,
    requestId: input.requestId,
    details: { peerURLs: input.peerURLs },
  });
  return memberList();
}

/** DELETE /{hex}: Sensu has no drain, so this removes as `?force=true` does (never the leader). */
export async function removeSensuMember(input: { nodeId: number; by: Principal; requestId: string }) {
  await removeMember({ ...input, force: true });
  return memberList();
}

export async function sensuClusterId(): Promise<string> {
  return String((await getClusterMeta()).clusterId);
}
