import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { auditPut, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { consumeTokenPart, recordFromItem, type JoinTokenRecord } from './join-token-store';
import { memberFromItem, memberToItem, type Member, type Suffrage } from './member';
import { contended, currentOf } from './member-parts';
import { pinAttribute } from './meta';
import { peerUrlTaken, reservePeerUrls, type PeerUrlTaken } from './peer-urls';

/**
 * The member store's join half (see ./member-store.ts): the redemption of a join token,
 * which creates or claims the member with the cluster's counters in one transaction, and
 * the re-issue of its credential for a retry of that very join.
 */

/** A node credential as the store keeps it: its hash and its non-secret handle, never the token. */
export interface StoredCredential {
  hash: string;
  credentialId: string;
}

export interface Redemption {
  jti: string;
  member: Member;
  credential: StoredCredential;
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
  try {
    await documents.send(
      new TransactWriteCommand({
        ClientRequestToken: randomUUID(),
        TransactItems: [
          consumeTokenPart(r.jti, member.nodeId, now, r.idempotencyKeyHash),
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
          { Update: joinCounters(r) },
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
      const current = currentOf(existing.item);
      const joined = current && !(current.origin === 'sensu' && current.joinedAt === undefined);
      return joined ? { kind: 'already-member' } : { kind: 'stale' };
    }
    if (meta?.code === 'ConditionalCheckFailed') return { kind: 'stale' };
    const taken = r.claim ? undefined : peerUrlTaken(reasons, 4, member.peerURLs);
    if (taken) return { kind: 'peer-url-taken', taken };
    if (contended(reasons)) return { kind: 'contended' };
    throw err;
  }
}

/**
 * The counters follow the member: a created one adds to memberCount, a claimed one is
 * counted already (and, if it was promoted, among the voters too). `counted` is the
 * voters the cluster has besides the new ones: 1 when the claimed member is a voter.
 */
function joinCounters(r: Redemption) {
  const added = r.claim ? 0 : 1;
  const counted = r.claim === 'voter' ? 1 : 0;
  if (r.lead) {
    return {
      TableName: TABLE,
      Key: keys.clusterMeta(),
      UpdateExpression:
        'SET voterCount = :one, leaderNodeId = :id, leaderExpiresAt = :exp, leaderFingerprint = :fp, #pin = :fp, raftTerm = if_not_exists(raftTerm, :zero) + :one ADD memberCount :added, appliedIndex :one',
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
      ExpressionAttributeNames: { '#pin': pinAttribute(r.member.nodeId) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }
  // A claimed voter's pin becomes the fingerprint it joins with (a promoted Sensu member had none).
  const pinned = r.claim === 'voter';
  return {
    TableName: TABLE,
    Key: keys.clusterMeta(),
    UpdateExpression: `ADD memberCount :added, appliedIndex :one${pinned ? ' SET #pin = :fp' : ''}`,
    // Only into a cluster with another voter; otherwise this member would be the first, and lead.
    ConditionExpression: 'voterCount > :counted',
    ExpressionAttributeValues: { ':counted': counted, ':added': added, ':one': 1, ...(pinned ? { ':fp': r.member.certFingerprint } : {}) },
    ...(pinned ? { ExpressionAttributeNames: { '#pin': pinAttribute(r.member.nodeId) } } : {}),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/**
 * Re-issues the node credential of the member a join created, for a retry of that join
 * (same token, same Idempotency-Key). `moved` when the member is gone or was joined again
 * since with another token.
 */
export async function reissueCredential(input: {
  nodeId: number;
  jti: string;
  credential: StoredCredential;
}): Promise<{ kind: 'done'; member: Member } | { kind: 'moved' }> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.member(input.nodeId),
        UpdateExpression: 'SET credentialHash = :hash, credentialId = :id',
        // Only the member this very redemption created: never resurrect or take over another.
        ConditionExpression: 'joinedJti = :jti',
        ExpressionAttributeValues: { ':hash': input.credential.hash, ':id': input.credential.credentialId, ':jti': input.jti },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { kind: 'done', member: memberFromItem(Attributes!) };
  } catch (err) {
    if (conditionFailure(err)) return { kind: 'moved' };
    throw err;
  }
}
