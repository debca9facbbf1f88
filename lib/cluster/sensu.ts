import { randomBytes } from 'node:crypto';
import { actorOf } from '../audit/audit';
import { NotFound } from '../errors';
import { sensuMemberList } from '../compat/sensu-cluster';
import type { Principal } from '../identity/principal';
import type { Member } from './member';
import { ensureClusterMeta } from './meta';
import { removeMember } from './members';
import { getMember, readMintedCluster } from './member-reads';
import { addUnclaimed, setPeerUrls } from './member-store';
import { memberNotFound, peerUrlConflict } from './refusals';
import { AGAIN, withContention } from '../store/retry';

/** The Sensu Go cluster surface over the same members. */

/** The members and the cluster item in one Query stream. */
async function memberList() {
  const { meta, members } = await readMintedCluster();
  return sensuMemberList(meta, members);
}

export const listSensuMembers = memberList;

/** A random member id below 2^53: exact in JSON, and no counter item for every add to contend on. */
const newMemberId = (): number => Number(randomBytes(8).readBigUInt64BE() >> 11n) || 1;

/**
 * POST ?peer-addrs=: an operator adds a member ahead of its node (a nonvoter with no
 * heartbeat, `unknown` until a node joins with a token minted for its id). As etcd, a peer
 * URL that is already a member's is 409, so a retried add never makes a second member.
 */
export async function addSensuMember(input: { peerURLs: string[]; by: Principal; requestId: string }) {
  await ensureClusterMeta(); // the counters below live on the cluster item
  await withContention(
    async () => {
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
      const added = await addUnclaimed(member, audit);
      if (added.kind === 'peer-url-taken') throw peerUrlConflict(added.taken);
      return added.kind === 'id-taken' ? AGAIN : added;
    },
    { attempts: 3, message: 'Three random member ids in a row were taken; retry' },
  );
  return memberList();
}

/**
 * A member id from a Sensu Go path (any uint64): Roster mints ids at or below 2^53-1, so a
 * larger one is no member.
 */
function nodeIdOf(id: bigint): number {
  if (id < 1n || id > BigInt(Number.MAX_SAFE_INTEGER)) throw new NotFound(`Cluster member ${id} not found`);
  return Number(id);
}

/** PUT /{hex}?peer-addrs=: new peer URLs for a member (one already another member's is 409). */
export async function updateSensuMember(input: { id: bigint; peerURLs: string[]; by: Principal; requestId: string }) {
  const nodeId = nodeIdOf(input.id);
  const audit = {
    actor: actorOf(input.by),
    action: 'member.update-peers',
    target: `member:${nodeId}`,
    requestId: input.requestId,
    details: { peerURLs: input.peerURLs },
  };
  await withContention(
    async () => {
      const seen = await getMember(nodeId, true);
      if (!seen) throw memberNotFound(nodeId);
      const set = await setPeerUrls({ seen, peerURLs: input.peerURLs, now: Date.now(), audit });
      if (set.kind === 'missing') throw memberNotFound(nodeId);
      if (set.kind === 'peer-url-taken') throw peerUrlConflict(set.taken);
      return set.kind === 'moved' ? AGAIN : set;
    },
    { attempts: 3, message: `Cluster member ${nodeId} changed concurrently; retry` },
  );
  return memberList();
}

/** DELETE /{hex}: Sensu has no drain, so this removes as `?force=true` does (never the leader). */
export async function removeSensuMember(input: { id: bigint; by: Principal; requestId: string }) {
  await removeMember({ nodeId: nodeIdOf(input.id), force: true, by: input.by, requestId: input.requestId });
  return memberList();
}

export async function sensuClusterId(): Promise<string> {
  return String((await ensureClusterMeta()).clusterId);
}
