import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut, type AuditEntry } from '../audit/audit';
import { Conflict, NotFound, Unauthorized } from '../errors';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { queryAll } from '../store/query';
import { memberFromItem, memberToItem, type Machine, type Member } from './member';
import { ensureClusterMeta, toMeta, type ClusterMeta } from './meta';
import { peerUrlConflict, peerUrlsBeyond, peerUrlTaken, releasePeerUrls, reservePeerUrls } from './peer-urls';

/** Members of the cluster: one partition, sorted by node id. */

export const memberNotFound = (nodeId: number) => new NotFound(`Cluster member ${nodeId} not found`);

/** Every member, ordered by node id (one Query, paged through by the SDK's LastEvaluatedKey). */
export async function listMembers(consistent = false): Promise<Member[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':prefix': keys.memberPrefix },
    ConsistentRead: consistent,
  });
  return items.map(memberFromItem);
}

/**
 * The members and the cluster item in one Query stream (the members sort just before it):
 * what a join decides on and answers with. `meta` is undefined before the cluster item exists.
 */
export async function readCluster(consistent = false): Promise<{ meta: ClusterMeta | undefined; members: Member[] }> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :meta',
    ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':first': keys.memberPrefix, ':meta': keys.clusterMetaSk },
    ConsistentRead: consistent,
  });
  const last = items.at(-1);
  const meta = last?.SK === keys.clusterMetaSk ? toMeta(last) : undefined;
  return { meta, members: (meta ? items.slice(0, -1) : items).map(memberFromItem) };
}

/** readCluster, minting the cluster item (and its id) the first time the cluster is seen. */
export async function readMintedCluster(consistent = false): Promise<{ meta: ClusterMeta; members: Member[] }> {
  const { meta, members } = await readCluster(consistent);
  return { meta: meta ?? (await ensureClusterMeta(consistent)), members };
}

/**
 * One page of members by node id: the earlier pages' keys are walked past first (only
 * their keys are kept), so a page costs what the pages before it hold, not the cluster.
 */
export async function pageMembers(page: number, perPage: number): Promise<Member[]> {
  const query = (limit: number, start: Record<string, unknown> | undefined, keysOnly: boolean) =>
    documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':prefix': keys.memberPrefix },
        Limit: limit,
        ExclusiveStartKey: start,
        ...(keysOnly ? { ProjectionExpression: 'PK, SK' } : {}),
      }),
    );
  let start: Record<string, unknown> | undefined;
  for (let skip = (page - 1) * perPage; skip > 0; ) {
    const out = await query(skip, start, true);
    skip -= out.Items?.length ?? 0;
    start = out.LastEvaluatedKey;
    if (!start) return [];
  }
  const members: Member[] = [];
  while (members.length < perPage) {
    const out = await query(perPage - members.length, start, false);
    members.push(...(out.Items ?? []).map(memberFromItem));
    start = out.LastEvaluatedKey;
    if (!start) break;
  }
  return members;
}

export async function getMember(nodeId: number, consistent = false): Promise<Member | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.member(nodeId), ConsistentRead: consistent }));
  return Item ? memberFromItem(Item) : undefined;
}

/** What autopilot saw when it chose to promote: the write holds only if it still stands. */
export interface StablePromotion {
  stableSince: number;
  /** The member must have heartbeated at or after this (epoch ms): still alive at the write. */
  aliveSince: number;
}

/**
 * nonvoter → voter, with the voter count and the audit entry, in one transaction. With
 * `stable` (autopilot), only an active member whose persisted health is still the one
 * judged: a drain, a failure or another pass's promotion since makes it a 409.
 */
export async function promote(nodeId: number, now: number, audit: AuditEntry, stable?: StablePromotion): Promise<void> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              UpdateExpression: 'SET suffrage = :voter, promotedAt = :now',
              // Only an existing nonvoter is promoted: a voter is 409, a missing member 404.
              // Autopilot's also: never a draining or drained member, and only at the stable health it judged.
              ConditionExpression: `attribute_exists(PK) AND suffrage = :nonvoter${
                stable ? ' AND drainState = :active AND healthy = :yes AND stableSince = :since AND lastHeartbeatAt >= :alive' : ''
              }`,
              ExpressionAttributeValues: {
                ':voter': 'voter',
                ':nonvoter': 'nonvoter',
                ':now': now,
                ...(stable ? { ':active': 'active', ':yes': true, ':since': stable.stableSince, ':alive': stable.aliveSince } : {}),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Update: {
              TableName: TABLE,
              Key: keys.clusterMeta(),
              UpdateExpression: 'ADD voterCount :one, appliedIndex :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          auditPut(audit, now),
        ],
      }),
    );
  } catch (err) {
    const member = cancellationReasons(err)?.[0];
    if (member?.code !== 'ConditionalCheckFailed') throw err;
    if (!member.item) throw memberNotFound(nodeId);
    if (member.item.suffrage === 'voter') throw new Conflict(`Cluster member ${nodeId} is already a voter`);
    throw new Conflict(`Cluster member ${nodeId} is no longer stable and active`);
  }
}

/** What autopilot saw when it judged a member dead and its removal safe. */
export interface DeadRemoval {
  /** The cluster's voter count as read: another removal or promotion since changes the quorum sums. */
  voterCount: number;
}

/**
 * Deletes a member with the counters and the audit entry in one transaction. The leader
 * is never removed; without `force` only a drained member is. `seen` is the member as
 * read: if its suffrage changed since, the counters would be wrong, so that is a 409 too.
 * With `dead` (autopilot), the member must not have heartbeated since it was read, and
 * the voters must be those the quorum check counted.
 */
/** The member still holds exactly these peer URLs (none: an empty list, or a member written before they were kept). */
const samePeerUrls = (urls: readonly string[]) =>
  urls.length === 0 ? '(attribute_not_exists(peerURLs) OR size(peerURLs) = :zero)' : 'peerURLs = :urls';
const peerUrlValues = (urls: readonly string[]) => (urls.length === 0 ? { ':zero': 0 } : { ':urls': [...urls] });

export async function remove(seen: Member, force: boolean, now: number, audit: AuditEntry, dead?: DeadRemoval): Promise<void> {
  const nodeId = seen.nodeId;
  const stillDead = dead && seen.lastHeartbeatAt !== undefined ? ' AND lastHeartbeatAt = :beat' : '';
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              // Drained (unless forced), still of the suffrage the counters are adjusted for, and still holding the
              // peer URLs whose reservations go with it (autopilot's: and still silent).
              ConditionExpression: `attribute_exists(PK) AND suffrage = :suffrage AND ${samePeerUrls(seen.peerURLs)}${force ? '' : ' AND drainState = :drained'}${stillDead}`,
              ExpressionAttributeValues: {
                ':suffrage': seen.suffrage,
                ...peerUrlValues(seen.peerURLs),
                ...(force ? {} : { ':drained': 'drained' }),
                ...(stillDead ? { ':beat': seen.lastHeartbeatAt } : {}),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Update: {
              TableName: TABLE,
              Key: keys.clusterMeta(),
              UpdateExpression: 'ADD memberCount :minus, voterCount :voters, appliedIndex :applied',
              // The leader is refused, even with force: the cluster item says who leads. Autopilot's: the voters are as counted.
              ConditionExpression: `attribute_exists(PK) AND leaderNodeId <> :id${dead ? ' AND voterCount = :voterCount' : ''}`,
              ExpressionAttributeValues: {
                ':minus': -1,
                ':applied': 1,
                ':voters': seen.suffrage === 'voter' ? -1 : 0,
                ':id': nodeId,
                ...(dead ? { ':voterCount': dead.voterCount } : {}),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          auditPut(audit, now),
          ...releasePeerUrls(nodeId, seen.peerURLs),
        ],
      }),
    );
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const [member, meta] = reasons;
    if (member?.code === 'ConditionalCheckFailed') {
      if (!member.item) throw memberNotFound(nodeId);
      const current = memberFromItem(member.item);
      if (!force && current.drainState !== 'drained') {
        throw new Conflict(`Cluster member ${nodeId} must be drained before removal (or pass force=true)`);
      }
      throw new Conflict(`Cluster member ${nodeId} changed concurrently; retry`, 1);
    }
    if (meta?.code === 'ConditionalCheckFailed') {
      if (meta.item?.leaderNodeId === nodeId) throw new Conflict(`Cluster member ${nodeId} is the leader and cannot be removed`);
      throw new Conflict(`The cluster's voters changed concurrently; retry`, 1);
    }
    throw err;
  }
}

/**
 * A member added by an operator (Sensu Go POST): a nonvoter that no node has claimed yet,
 * with its peer URLs reserved in the same transaction (one already a member's is 409).
 */
export async function addUnclaimed(member: Member, audit: AuditEntry): Promise<'added' | 'taken'> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: TABLE,
              Item: memberToItem(member),
              // A freshly minted random id: it must not be someone's already.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: TABLE,
              Key: keys.clusterMeta(),
              UpdateExpression: 'ADD memberCount :one, appliedIndex :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          auditPut(audit, member.createdAt),
          ...reservePeerUrls(member.nodeId, member.peerURLs),
        ],
      }),
    );
    return 'added';
  } catch (err) {
    const reasons = cancellationReasons(err);
    const taken = peerUrlTaken(reasons, 3, member.peerURLs);
    if (taken) throw peerUrlConflict(taken);
    if (reasons?.[0]?.code === 'ConditionalCheckFailed') return 'taken';
    throw err;
  }
}

/**
 * Sets a member's peer URLs (Sensu Go PUT), moving their reservations and writing the audit
 * entry in the same transaction: `seen` is the member as read, and the write holds only while it still has
 * the URLs read (another change since is `changed`: read again).
 */
export async function setPeerUrls(seen: Member, peerURLs: string[], now: number, audit: AuditEntry): Promise<'set' | 'changed'> {
  const added = peerUrlsBeyond(peerURLs, seen.peerURLs);
  const dropped = peerUrlsBeyond(seen.peerURLs, peerURLs);
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(seen.nodeId),
              UpdateExpression: 'SET peerURLs = :next',
              // Never creates a member (404), and only over the URLs read: their reservations move with them.
              ConditionExpression: `attribute_exists(PK) AND ${samePeerUrls(seen.peerURLs)}`,
              ExpressionAttributeValues: { ':next': peerURLs, ...peerUrlValues(seen.peerURLs) },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          auditPut(audit, now),
          ...reservePeerUrls(seen.nodeId, added),
          ...releasePeerUrls(seen.nodeId, dropped),
        ],
      }),
    );
    return 'set';
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const taken = peerUrlTaken(reasons, 2, added);
    if (taken) throw peerUrlConflict(taken);
    const member = reasons[0];
    if (member?.code === 'ConditionalCheckFailed') {
      if (!member.item) throw memberNotFound(seen.nodeId);
      return 'changed';
    }
    if (reasons.some((r) => r.code === 'TransactionConflict')) return 'changed';
    throw err;
  }
}

/** The heartbeat's one write, as a command input (the benchmark sends this very write straight to the store). */
export const heartbeatWrite = (table: string, nodeId: number, credentialHash: string, now: number, machine: Machine = {}) => {
  // Only the fields a node may report, and only those it did report this time.
  const reported = (['numCpus', 'totalSystemMemory'] as const).flatMap((k) => (machine[k] === undefined ? [] : [[k, machine[k]] as const]));
  return {
    TableName: table,
    Key: keys.member(nodeId),
    UpdateExpression: ['SET lastHeartbeatAt = :now', ...reported.map(([k]) => `${k} = :${k}`)].join(', '),
    // The member exists and this is its current credential; the time never goes backwards.
    ConditionExpression: 'credentialHash = :hash AND (attribute_not_exists(lastHeartbeatAt) OR lastHeartbeatAt < :now)',
    ExpressionAttributeValues: { ':now': now, ':hash': credentialHash, ...Object.fromEntries(reported.map(([k, v]) => [`:${k}`, v])) },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  } as const;
};

/**
 * A heartbeat: ONE conditional write that is also the credential check. A removed member
 * (no item) or a credential re-issued since (another hash) is 401.
 */
export async function recordHeartbeat(nodeId: number, credentialHash: string, now: number, machine?: Machine): Promise<Member> {
  try {
    const { Attributes } = await documents.send(new UpdateCommand(heartbeatWrite(TABLE, nodeId, credentialHash, now, machine)));
    return memberFromItem(Attributes!);
  } catch (err) {
    const failed = conditionFailure(err);
    if (!failed) throw err;
    if (failed.item?.credentialHash === credentialHash) return memberFromItem(failed.item); // a later heartbeat already counted
    throw new Unauthorized('Invalid node credential');
  }
}
