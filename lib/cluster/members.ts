import { actorOf } from '../audit/audit';
import { config } from '../config';
import { Conflict } from '../errors';
import type { Principal } from '../identity/principal';
import { countActiveLeases, revokeLeasesOf } from './leases';
import type { Member } from './member';
import { findClusterMeta, getClusterMeta, type ClusterMeta } from './meta';
import { getMember, pageMembers, readCluster } from './member-reads';
import { promote, remove } from './member-store';
import { memberNotFound, promotionError, removalError } from './refusals';
import { removalRefusal } from './rules';
import { memberView, type MemberView } from './views';

/**
 * The Ella members surface's use cases: list (whole or a page), get, promote and remove,
 * each refusal of the member store told as its DomainError (./refusals.ts).
 */

const thresholdMs = () => config.autopilot.lastContactThresholdSeconds * 1000;

async function views(members: Member[], meta: ClusterMeta | undefined): Promise<{ views: MemberView[]; memberCount: number }> {
  const leases = await countActiveLeases(members.map((m) => m.nodeId));
  const now = Date.now();
  return {
    memberCount: meta?.memberCount ?? members.length,
    views: members.map((m) =>
      memberView(m, { leaderNodeId: meta?.leaderNodeId ?? 0, now, thresholdMs: thresholdMs(), activeLeases: leases.get(m.nodeId) ?? 0 }),
    ),
  };
}

/**
 * GET /cluster/members: the whole list as Ella answers it (the members and the cluster
 * item in one Query stream), or one page when paging is asked for. A page reads only what
 * it shows (and the keys before it), beside the cluster item, whose member counter (kept
 * by the membership transactions) is its total. Then one index Query gives the
 * activeLeases of every member shown.
 */
export async function listMemberViews(paging: { page?: number; perPage?: number }) {
  if (paging.page === undefined && paging.perPage === undefined) {
    const { members, meta } = await readCluster();
    return (await views(members, meta)).views;
  }
  const page = paging.page ?? 1;
  const perPage = paging.perPage ?? 25;
  const [members, meta] = await Promise.all([pageMembers(page, perPage), findClusterMeta()]);
  const { views: items, memberCount } = await views(members, meta);
  return { items, page, per_page: perPage, total_count: memberCount };
}

export async function getMemberView(nodeId: number): Promise<MemberView> {
  const [member, meta] = await Promise.all([getMember(nodeId), findClusterMeta()]);
  if (!member) throw memberNotFound(nodeId);
  return (await views([member], meta)).views[0]!;
}

export async function promoteMember(input: { nodeId: number; by: Principal; requestId: string }) {
  const audit = { actor: actorOf(input.by), action: 'member.promote', target: `member:${input.nodeId}`, requestId: input.requestId };
  const outcome = await promote({ nodeId: input.nodeId, now: Date.now(), audit });
  if (outcome.kind !== 'done') throw promotionError(input.nodeId, outcome);
  return { message: 'Cluster member promoted to voter' };
}

/**
 * Removes a member (Ella's rules: never the leader; drained unless forced) and then
 * revokes its leases. From the removal on, its node credential finds no member (401), so
 * none of its requests succeeds; its leases are free before this answers.
 */
export async function removeMember(input: { nodeId: number; force: boolean; by: Principal; requestId: string }) {
  const [member, meta] = await Promise.all([getMember(input.nodeId, true), getClusterMeta(true)]);
  if (!member) throw memberNotFound(input.nodeId);
  const refusal = removalRefusal(member, meta.leaderNodeId, input.force);
  if (refusal) throw new Conflict(refusal);
  const now = Date.now();
  const outcome = await remove({
    seen: member,
    force: input.force,
    now,
    audit: {
      actor: actorOf(input.by),
      action: 'member.remove',
      target: `member:${input.nodeId}`,
      requestId: input.requestId,
      details: { force: input.force, drainState: member.drainState, suffrage: member.suffrage },
    },
  });
  if (outcome.kind !== 'done') throw removalError(input.nodeId, input.force, outcome);
  await revokeLeasesOf(input.nodeId, now);
  return { message: 'Cluster member removed' };
}
