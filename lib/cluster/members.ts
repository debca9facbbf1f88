import { actorOf } from '../audit/audit';
import { config } from '../config';
import { BadRequest, Conflict } from '../errors';
import { keys } from '../store/keys';
import type { Principal } from '../identity/principal';
import { countActiveLeases, revokeLeasesOf } from './leases';
import type { Member } from './member';
import { membersAfter, readAllMembers } from './member-reads';
import { findClusterMeta, ensureClusterMeta, type ClusterMeta } from './meta';
import * as repo from './repository';
import { removalRefusal } from './rules';
import { memberView, type MemberView } from './views';

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
 * item, in parallel key-range Queries), or one page when paging is asked for. A page with
 * `next` reads only what it shows; `page=N` also walks past the keys of every earlier
 * member (DynamoDB has no offset). Beside it, the cluster item, whose member counter (kept
 * by the membership transactions) is the total. Then one index Query gives the
 * activeLeases of every member shown.
 */
export async function listMemberViews(paging: { page?: number; perPage?: number; next?: string }) {
  if (paging.page === undefined && paging.perPage === undefined && paging.next === undefined) {
    const { members, meta } = await readAllMembers();
    return (await views(members, meta)).views;
  }
  const page = paging.page ?? 1;
  const perPage = paging.perPage ?? 25;
  const read = paging.next === undefined ? repo.pageMembers(page, perPage) : membersAfter(decodeCursor(paging.next), perPage);
  const [members, meta] = await Promise.all([read, findClusterMeta()]);
  const { views: items, memberCount } = await views(members, meta);
  const last = members.length === perPage ? members.at(-1) : undefined;
  return { items, page, per_page: perPage, total_count: memberCount, ...(last ? { next: encodeCursor(last.nodeId) } : {}) };
}

/**
 * `next`: the key of the last member shown (its LastEvaluatedKey), base64url, opaque to the
 * client. More may follow it; the page after the last is empty.
 */
const encodeCursor = (nodeId: number): string => Buffer.from(JSON.stringify(keys.member(nodeId))).toString('base64url');

function decodeCursor(cursor: string): number {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const { PK, SK } = (typeof key === 'object' && key !== null ? key : {}) as Record<string, unknown>;
  const nodeId = typeof SK === 'string' && /^MEMBER#[0-9]{16}$/.test(SK) ? keys.memberKeyspace.idOf(SK) : NaN;
  const valid = PK === keys.clusterPartition && Number.isSafeInteger(nodeId) && nodeId >= 1 && Object.keys(key as object).length === 2;
  if (!valid) throw new BadRequest('next is not a cursor of the members list');
  return nodeId;
}

export async function getMemberView(nodeId: number): Promise<MemberView> {
  const [member, meta] = await Promise.all([repo.getMember(nodeId), findClusterMeta()]);
  if (!member) throw repo.memberNotFound(nodeId);
  return (await views([member], meta)).views[0]!;
}

export async function promoteMember(input: { nodeId: number; by: Principal; requestId: string }) {
  const audit = { actor: actorOf(input.by), action: 'member.promote', target: `member:${input.nodeId}`, requestId: input.requestId };
  await repo.promote(input.nodeId, Date.now(), audit);
  return { message: 'Cluster member promoted to voter' };
}

/**
 * Removes a member (Ella's rules: never the leader; drained unless forced) and then
 * revokes its leases. From the removal on, its node credential finds no member (401), so
 * none of its requests succeeds; its leases are free before this answers.
 */
export async function removeMember(input: { nodeId: number; force: boolean; by: Principal; requestId: string }) {
  const [member, meta] = await Promise.all([repo.getMember(input.nodeId, true), ensureClusterMeta(true)]);
  if (!member) throw repo.memberNotFound(input.nodeId);
  const refusal = removalRefusal(member, meta.leaderNodeId, input.force);
  if (refusal) throw new Conflict(refusal);
  const now = Date.now();
  await repo.remove(member, input.force, now, {
    actor: actorOf(input.by),
    action: 'member.remove',
    target: `member:${input.nodeId}`,
    requestId: input.requestId,
    details: { force: input.force, drainState: member.drainState, suffrage: member.suffrage },
  });
  await revokeLeasesOf(input.nodeId, now);
  return { message: 'Cluster member removed' };
}
