import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons } from '../store/conditions';
import { keys } from '../store/keys';
import { queryAll } from '../store/query';

/**
 * The join tokens' single-use records: stored at mint, listed while unused, revoked by an
 * operator, and consumed by the join transaction (the member store's redemption, which
 * takes `consumeTokenPart` from here).
 */

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

export const recordFromItem = (item: Record<string, unknown>): JoinTokenRecord => ({
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
export async function revokeJoinToken(jti: string, audit: AuditEntry, now = Date.now()): Promise<{ kind: 'done' } | { kind: 'missing' }> {
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
    return { kind: 'done' };
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.code === 'ConditionalCheckFailed') return { kind: 'missing' };
    throw err;
  }
}

/**
 * The join transaction's part that consumes token `jti` for `nodeId`; a failure carries the
 * record as it stood (ALL_OLD), read with `recordFromItem`.
 */
export const consumeTokenPart = (jti: string, nodeId: number, now: number, idempotencyKeyHash?: string) => ({
  Update: {
    TableName: TABLE,
    Key: keys.joinToken(jti),
    // Consumed: it leaves the index of unused tokens.
    UpdateExpression: `SET consumedAt = :now, consumedBy = :node${idempotencyKeyHash ? ', idempotencyKeyHash = :key' : ''} REMOVE GSI1PK, GSI1SK`,
    // Single use: the jti must have been minted, not consumed, and not expired.
    ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(consumedAt) AND expiresAt > :nowSeconds',
    ExpressionAttributeValues: {
      ':now': now,
      ':node': nodeId,
      ':nowSeconds': Math.floor(now / 1000),
      ...(idempotencyKeyHash ? { ':key': idempotencyKeyHash } : {}),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});
