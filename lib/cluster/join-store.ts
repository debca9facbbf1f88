import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { auditPut, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { queryAll } from '../store/query';
import { memberFromItem, memberToItem, type Member, type Suffrage } from './member';
import { peerUrlTaken, reservePeerUrls, type PeerUrlTaken } from './peer-urls';
import type { NodeCredential } from './node-credentials';

/** A join token's single-use record. */
export interface JoinTokenRecord {
  jti: string;
  nodeId: number;
  /** Unix seconds; also the TTL. */
  expiresAt: number;
  consumedAt?: number;
  /** SHA-256 of the Idempotency-Key the winning redemption sent, if it sent one. */
  idempotencyKeyHash?: string;
  /** Who minted it (`user:<email>`), for the list of unused tokens. */
  createdBy?: string;
}

const recordFromItem = (item: Record<string, unknown>): JoinTokenRecord => ({
  jti: String(item.jti),
  nodeId: Number(item.nodeId),
  expiresAt: Number(item.expiresAt),
  ...(item.consumedAt === undefined ? {} : { consumedAt: Number(item.consumedAt) }),
  ...(typeof item.idempotencyKeyHash === 'string' ? { idempotencyKeyHash: item.idempotencyKeyHash } : {}),
  ...(typeof item.createdBy === 'string' ? { createdBy: item.createdBy } : {}),
});

export async function storeJoinToken(record: JoinTokenRecord): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        ...keys.joinToken(record.jti),
        ...keys.joinTokenIndex(record.expiresAt, record.jti),
        jti: record.jti,
        nodeId: record.nodeId,
        expiresAt: record.expiresAt,
        ...(record.createdBy ? { createdBy: record.createdBy } : {}),
      },
      // A jti is random and minted once; never overwrite a record (it may be consumed).
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

/** The record as it stands (TTL deletes late: an expired one is still returned, and callers check expiresAt). */
export async function getJoinToken(jti: string): Promise<JoinTokenRecord | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.joinToken(jti), ConsistentRead: true }));
  return Item ? recordFromItem(Item) : undefined;
}

/** Join tokens neither used nor expired nor revoked, soonest expiry first (one index Query). */
export async function unusedJoinTokens(nowSeconds: number): Promise<JoinTokenRecord[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :p AND GSI1SK > :after',
    // TTL deletes late: an expired token may still be in the index.
    FilterExpression: 'expiresAt > :now AND attribute_not_exists(consumedAt)',
    ExpressionAttributeValues: { ':p': keys.joinTokensPartition, ':after': keys.joinTokensAfter(nowSeconds), ':now': nowSeconds },
  });
  return items.map(recordFromItem);
}

/**
 * Revokes an unused join token by deleting its record, with the audit entry in the same
 * transaction: the join transaction's condition (`attribute_exists(PK)`) then fails, so the
 * token can no longer join. `false` when no such unused, unexpired token exists.
 */
export async function revokeJoinToken(jti: string, audit: AuditEntry, now = Date.now()): Promise<boolean> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: TABLE,
              Key: keys.joinToken(jti),
              // Only a token that can still join: a used one is history, an expired one is dead already.
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(consumedAt) AND expiresAt > :now',
              ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
            },
          },
          auditPut(audit, now),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}

export interface Redemption {
  jti: string;
  member: Member;
  credential: NodeCredential;
  /**
   * The member exists as an unclaimed Sensu member and is claimed, not created: its
   * suffrage as read (a promoted one stays a voter, and is already counted).
   */
  claim: Suffrage | undefined;
  /** The cluster has no voter: the member joins as a voter and takes the leader lease. */
  lead: { expiresAt: number } | undefined;
  idempotencyKeyHash?: string;
  now: number;
  audit: AuditEntry;
}

export type RedeemOutcome =
  | { kind: 'redeemed' }
  | { kind: 'token-used'; record: JoinTokenRecord }
  | { kind: 'token-invalid' }
  | { kind: 'already-member' }
  /** A new member's peer URL is already another member's. */
  | { kind: 'peer-url-taken'; taken: PeerUrlTaken }
  /** What the redemption was built on changed (the first voter joined, a Sensu member came or went): read again. */
  | { kind: 'stale' }
  | { kind: 'contended' };

/**
 * Redeems a join token in ONE TransactWriteItems: consume the jti, create (or claim) the
 * member, update the cluster's counters (and, for the first voter, the leader lease),
 * and write the audit entry. ClientRequestToken makes the SDK's own retries idempotent.
 */
export async function redeem(r: Redemption): Promise<RedeemOutcome> {
  const { member, now } = r;
  const nowSeconds = Math.floor(now / 1000);
  try {
    await documents.send(
      new TransactWriteCommand({
        ClientRequestToken: randomUUID(),
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.joinToken(r.jti),
              // Consumed: it leaves the index of unused tokens.
              UpdateExpression: `SET consumedAt = :now, consumedBy = :node${r.idempotencyKeyHash ? ', idempotencyKeyHash = :key' : ''} REMOVE GSI1PK, GSI1SK`,
              // Single use: the jti must have been minted, not consumed, and not expired.
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(consumedAt) AND expiresAt > :nowSeconds',
              ExpressionAttributeValues: {
                ':now': now,
                ':node': member.nodeId,
                ':nowSeconds': nowSeconds,
                ...(r.idempotencyKeyHash ? { ':key': r.idempotencyKeyHash } : {}),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: TABLE,
              Item: memberToItem(member, { credentialHash: r.credential.hash, credentialId: r.credential.credentialId, joinedJti: r.jti }),
              // Create: the node id is not a member. Claim: it is an operator's Sensu member no node has joined yet,
              // still of the suffrage read (a promotion since would leave the counters wrong).
              ConditionExpression: r.claim
                ? 'origin = :sensu AND attribute_not_exists(joinedAt) AND suffrage = :claimed'
                : 'attribute_not_exists(PK)',
              ...(r.claim ? { ExpressionAttributeValues: { ':sensu': 'sensu', ':claimed': r.claim } } : {}),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Update: countersUpdate(r) },
          auditPut(r.audit, now),
          // A claimed member's peer URLs were reserved when it was added.
          ...(r.claim ? [] : reservePeerUrls(member.nodeId, member.peerURLs)),
        ],
      }),
    );
    return { kind: 'redeemed' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const [token, existing, meta] = reasons;
    if (token?.code === 'ConditionalCheckFailed') {
      const record = token.item ? recordFromItem(token.item) : undefined;
      return record?.consumedAt !== undefined ? { kind: 'token-used', record } : { kind: 'token-invalid' };
    }
    if (existing?.code === 'ConditionalCheckFailed') {
      const joined = existing.item && !(existing.item.origin === 'sensu' && existing.item.joinedAt === undefined);
      return joined ? { kind: 'already-member' } : { kind: 'stale' };
    }
    if (meta?.code === 'ConditionalCheckFailed') return { kind: 'stale' };
    const taken = r.claim ? undefined : peerUrlTaken(reasons, 4, member.peerURLs);
    if (taken) return { kind: 'peer-url-taken', taken };
    if (reasons.some((x) => x.code === 'TransactionConflict')) return { kind: 'contended' };
    throw err;
  }
}

/**
 * The counters follow the member: a created one adds to memberCount, a claimed one is
 * counted already (and, if it was promoted, among the voters too). `counted` is the
 * voters the cluster has besides the new ones: 1 when the claimed member is a voter.
 */
function countersUpdate(r: Redemption) {
  const added = r.claim ? 0 : 1;
  const counted = r.claim === 'voter' ? 1 : 0;
  if (r.lead) {
    return {
      TableName: TABLE,
      Key: keys.clusterMeta(),
      UpdateExpression:
        'SET voterCount = :one, leaderNodeId = :id, leaderExpiresAt = :exp, leaderFingerprint = :fp, raftTerm = if_not_exists(raftTerm, :zero) + :one ADD memberCount :added, appliedIndex :one',
      // The first voter leads: only while the cluster has no voter but (a claimed) itself (two first joins race here).
      ConditionExpression: `attribute_exists(PK) AND ${counted === 0 ? '(attribute_not_exists(voterCount) OR voterCount = :zero)' : 'voterCount = :one'}`,
      ExpressionAttributeValues: {
        ':one': 1,
        ':zero': 0,
        ':id': r.member.nodeId,
        ':exp': r.lead.expiresAt,
        ':fp': r.member.certFingerprint,
        ':added': added,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }
  return {
    TableName: TABLE,
    Key: keys.clusterMeta(),
    UpdateExpression: 'ADD memberCount :added, appliedIndex :one',
    // Only into a cluster with another voter; otherwise this member would be the first, and lead.
    ConditionExpression: 'voterCount > :counted',
    ExpressionAttributeValues: { ':counted': counted, ':added': added, ':one': 1 },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/**
 * Re-issues the node credential of the member a join created, for a retry of that join
 * (same token, same Idempotency-Key). `undefined` when the member is gone or was joined
 * again since with another token.
 */
export async function reissueCredential(nodeId: number, jti: string, credential: NodeCredential): Promise<Member | undefined> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.member(nodeId),
        UpdateExpression: 'SET credentialHash = :hash, credentialId = :id',
        // Only the member this very redemption created: never resurrect or take over another.
        ConditionExpression: 'joinedJti = :jti',
        ExpressionAttributeValues: { ':hash': credential.hash, ':id': credential.credentialId, ':jti': jti },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return memberFromItem(Attributes!);
  } catch (err) {
    if (conditionFailure(err)) return undefined;
    throw err;
  }
}
