import { actorOf } from '../audit/audit';
import { config } from '../config';
import { BadRequest, Conflict } from '../errors';
import type { Principal } from '../identity/principal';
import { countActiveLeases, revokeLeasesOf } from './leases';
import type { Member } from './member';
import { findClusterMeta, ensureClusterMeta, type ClusterMeta } from './meta';
import { getMember, membersAfter, pageMembers, readCluster } from './member-reads';
import { promote, remove } from './member-store';
import { memberNotFound, promotionError, removalError } from './refusals';
import { currentLeader, removalRefusal } from './rules';
import { memberView, type MemberView } from './views';

/**
 * The Ella members surface's use cases: list (whole or a page), get, promote and remove,
 * each refusal of the member store told as its DomainError (./refusals.ts).
 */

const thresholdMs = () => config.autopilot.lastContactThresholdSeconds * 1000;

async function views(members: Member[], meta: ClusterMeta | undefined): Promise<{ views: MemberView[]; memberCount: number }> {
  const leases = await countActiveLeases(members.map((m) => m.nodeId));
  const now = Date.now();
  const leaderNodeId = meta ? currentLeader(meta, now) : 0;
  return {
    memberCount: meta?.memberCount ?? members.length,
    views: members.map((m) => memberView(m, { leaderNodeId, now, thresholdMs: thresholdMs(), activeLeases: leases.get(m.nodeId) ?? 0 })),
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
    const { members, meta } = await readCluster();
    return (await views(members, meta)).views;
  }
  const page = paging.page ?? 1;
  const perPage = paging.perPage ?? 25;
  const read = paging.next === undefined ? pageMembers(page, perPage) : membersAfter(decodeCursor(paging.next), perPage);
  const [members, meta] = await Promise.all([read, findClusterMeta()]);
  const { views: items, memberCount } = await views(members, meta);
  const last = members.length === perPage ? members.at(-1) : undefined;
  return { items, page, per_page: perPage, total_count: memberCount, ...(last ? { next: encodeCursor(last.nodeId) } : {}) };
}

/**
 * `next`: the node id of the last member shown, base64url, opaque to the client (so the
 * store may change its keys without breaking a cursor). More may follow it; the page after
 * the last is empty.
 */
const encodeCursor = (nodeId: number): string => Buffer.from(JSON.stringify({ after: nodeId })).toString('base64url');

function decodeCursor(cursor: string): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const after =
    typeof decoded === 'object' && decoded !== null && Object.keys(decoded).length === 1
      ? (decoded as { after?: unknown }).after
      : undefined;
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 1)
    throw new BadRequest('next is not a cursor of the members list');
  return after;
}

export async function getMemberView(nodeId: number): Promise<MemberView> {
  const [member, meta] = await Promise.all([getMember(nodeId), findClusterMeta()]);
  if (!member) throw memberNotFound(nodeId);
  return (await views([member], meta)).views[0]!;
}

export async function promoteMember(input: { nodeId: number; by: Principal; requestId: string }) {
  const audit = { actor: actorOf(input.by), action: 'member.promote', target: `member:${input.nodeId}`, requestId: input.requestId };
  // Read first: the new voter's pin is its fingerprint, and the promotion holds only while it is the one read.
  const member = await getMember(input.nodeId, true);
  if (!member) throw memberNotFound(input.nodeId);
  const outcome = await promote({ nodeId: input.nodeId, certFingerprint: member.certFingerprint, now: Date.now(), audit });
  if (outcome.kind !== 'done') throw promotionError(input.nodeId, outcome);
  return { message: 'Cluster member promoted to voter' };
}

/**
 * Removes a member (Ella's rules: never the leader; drained unless forced) and then
 * revokes its leases. From the removal on, its node credential finds no member (401), so
 * none of its requests succeeds; its leases are free before this answers.
 */
export async function removeMember(input: { nodeId: number; force: boolean; by: Principal; requestId: string }) {
  const [member, meta] = await Promise.all([getMember(input.nodeId, true), ensureClusterMeta(true)]);
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
