import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';
import { Conflict, NotFound, Unauthorized } from '../errors';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure, type Item } from '../store/conditions';
import { keys } from '../store/keys';
import { fromItem, minuteOf, staleMinutes, type Lease } from './lease';
import { heldBy } from './reads';

// The read half lives apart; callers of this module keep one import.
export { get, getByRange, heldBy, page } from './reads';

/**
 * A fencing token the writer chooses: microseconds since the epoch, so it exceeds every
 * token handed out before (each write also demands `fencingToken < :new`, which keeps the
 * order strict even across clock skew). Transactions return no values, so this is how an
 * acquire learns its token without a second call. Exact in JSON until the year 2255.
 */
export const nextFencingToken = (now: number, above = 0): number => Math.max(now * 1000 + randomInt(1000), above + 1);

/** A transaction item: the holder is a member, active, and the credential is its current one. */
const activeMemberCheck = (holder: number, credentialHash: string) => ({
  ConditionCheck: {
    TableName: TABLE,
    Key: keys.member(holder),
    // A draining, drained or removed member takes no new lease, nor does a credential that is not the member's.
    ConditionExpression: 'attribute_exists(PK) AND drainState = :active AND credentialHash = :cred',
    ExpressionAttributeValues: { ':active': 'active', ':cred': credentialHash },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});

export type AcquireOutcome =
  | { kind: 'acquired'; lease: Lease }
  | { kind: 'missing' }
  | { kind: 'held-by-me'; lease: Lease }
  | { kind: 'token-behind'; lease: Lease };

/**
 * Takes a free or expired lease for `holder` in ONE transaction: the member must exist
 * and be active, and the lease must be free or expired.
 */
export async function acquire(
  name: string,
  holder: number,
  credentialHash: string,
  ttlMs: number,
  now: number,
  token: number,
): Promise<AcquireOutcome> {
  const expiresAt = now + ttlMs;
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          activeMemberCheck(holder, credentialHash),
          {
            Update: {
              TableName: TABLE,
              Key: keys.lease(name),
              UpdateExpression:
                'SET holder = :me, holderCredentialHash = :cred, fencingToken = :token, leaseExpiresAt = :exp, acquiredAt = :now, ops = :ops, GSI1PK = :gpk, GSI1SK = :gsk REMOVE holderDrainEpoch',
              // Free or lapsed, and the token only ever grows (see nextFencingToken).
              ConditionExpression:
                'attribute_exists(PK) AND (attribute_not_exists(holder) OR leaseExpiresAt <= :now) AND fencingToken < :token',
              ExpressionAttributeValues: {
                ':me': holder,
                ':cred': credentialHash,
                ':token': token,
                ':exp': expiresAt,
                ':now': now,
                ':ops': { [minuteOf(now)]: 1 },
                ':gpk': keys.heldLease(holder, name).GSI1PK,
                ':gsk': keys.heldLease(holder, name).GSI1SK,
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const [member, lease] = reasons;
    if (member?.code === 'ConditionalCheckFailed') throw memberRefusal(holder, credentialHash, member.item);
    if (lease?.code !== 'ConditionalCheckFailed') throw err;
    if (!lease.item) return { kind: 'missing' };
    const current = fromItem(lease.item);
    if (current.holder !== undefined && current.expiresAt > now) {
      if (current.holder === holder) return { kind: 'held-by-me', lease: current };
      throw new Conflict(`Lease ${name} is held by node ${current.holder}`);
    }
    return { kind: 'token-behind', lease: current };
  }
  return {
    kind: 'acquired',
    lease: { name, rangeId: 0, holder, fencingToken: token, expiresAt, acquiredAt: now, ops: { [minuteOf(now)]: 1 } },
  };
}

/**
 * Range ids: a lease's identity as a CockroachDB range, given once, at its creation. They
 * come from a counter in blocks of RANGE_ID_BLOCK, as CockroachDB's own range id allocator
 * hands them out: one counter write per block a container uses, not per lease. Unique
 * (each block is reserved by one ADD) and increasing per container; a container that
 * stops leaves the rest of its block unused.
 */
const RANGE_ID_BLOCK = 10;
let block = { next: 1, end: 0 };
let refill: Promise<void> | undefined;

async function reserveRangeIds(): Promise<{ next: number; end: number }> {
  const { Attributes } = await documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keys.rangeCounter(),
      UpdateExpression: 'ADD lastRangeId :block',
      ExpressionAttributeValues: { ':block': RANGE_ID_BLOCK },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const end = Number(Attributes!.lastRangeId);
  return { next: end - RANGE_ID_BLOCK + 1, end };
}

/** The next range id for a lease about to be created. */
export async function nextRangeId(): Promise<number> {
  while (block.next > block.end) {
    // Concurrent creations in one container share one refill.
    refill ??= reserveRangeIds()
      .then((b) => void (block = b))
      .finally(() => (refill = undefined));
    await refill;
  }
  return block.next++;
}

/** Creates a lease held by `holder`, with its range pointer, in one transaction. */
export async function create(
  name: string,
  holder: number,
  credentialHash: string,
  ttlMs: number,
  now: number,
  rangeId: number,
  token: number,
): Promise<Lease | 'exists'> {
  const lease: Lease = { name, rangeId, holder, fencingToken: token, expiresAt: now + ttlMs, acquiredAt: now, ops: { [minuteOf(now)]: 1 } };
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          activeMemberCheck(holder, credentialHash),
          {
            Put: {
              TableName: TABLE,
              Item: {
                ...keys.lease(name),
                ...keys.heldLease(holder, name),
                name,
                rangeId,
                holder,
                holderCredentialHash: credentialHash,
                fencingToken: token,
                leaseExpiresAt: lease.expiresAt,
                acquiredAt: now,
                createdAt: now,
                ops: lease.ops,
              },
              // Two first acquires of one name race here; the loser takes the acquire path.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: TABLE, Item: { ...keys.range(rangeId), name, rangeId } } },
        ],
      }),
    );
    return lease;
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') throw memberRefusal(holder, credentialHash, reasons[0].item);
    if (reasons[1]?.code === 'ConditionalCheckFailed') return 'exists';
    throw err;
  }
}

/** A renewal's one write, as a command input (the benchmark sends this very write straight to the store). */
export function renewWrite(
  table: string,
  name: string,
  holder: number,
  credentialHash: string,
  ttlMs: number,
  now: number,
  fencingToken?: number,
) {
  const stale = staleMinutes(now);
  return {
    TableName: table,
    Key: keys.lease(name),
    UpdateExpression: `SET leaseExpiresAt = :exp, renewedAt = :now, ops.#m = if_not_exists(ops.#m, :zero) + :one REMOVE ${stale.map((_, i) => `ops.#s${i}`).join(', ')}`,
    // Only the current holder, with the credential it acquired under, renews before expiry (with the current token when it shows one).
    ConditionExpression: `holder = :me AND holderCredentialHash = :cred AND leaseExpiresAt > :now${fencingToken === undefined ? '' : ' AND fencingToken = :token'}`,
    ExpressionAttributeNames: { '#m': String(minuteOf(now)), ...Object.fromEntries(stale.map((m, i) => [`#s${i}`, String(m)])) },
    ExpressionAttributeValues: {
      ':exp': now + ttlMs,
      ':now': now,
      ':me': holder,
      ':cred': credentialHash,
      ':zero': 0,
      ':one': 1,
      ...(fencingToken === undefined ? {} : { ':token': fencingToken }),
    },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  } as const;
}

/** Renews my unexpired lease in ONE conditional update; with `fencingToken`, it must be the current one. */
export async function renew(
  name: string,
  holder: number,
  credentialHash: string,
  ttlMs: number,
  now: number,
  fencingToken?: number,
): Promise<Lease> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand(renewWrite(TABLE, name, holder, credentialHash, ttlMs, now, fencingToken)),
    );
    return fromItem(Attributes!);
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    throw refusal(name, holder, credentialHash, now, await leaseSeenBy(name, holder, credentialHash), fencingToken);
  }
}

/** Releases my lease; the current fencing token is required. */
export async function release(name: string, holder: number, credentialHash: string, fencingToken: number, now: number): Promise<Lease> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.lease(name),
        UpdateExpression:
          'SET leaseExpiresAt = :now, releasedAt = :now, releasedBy = :me REMOVE holder, holderCredentialHash, GSI1PK, GSI1SK',
        // A stale token means someone else holds (or held) it since: never release theirs.
        ConditionExpression: 'holder = :me AND holderCredentialHash = :cred AND fencingToken = :token',
        ExpressionAttributeValues: { ':now': now, ':me': holder, ':cred': credentialHash, ':token': fencingToken },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return fromItem(Attributes!);
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    const item = await leaseSeenBy(name, holder, credentialHash);
    // The SDK retried a release whose answer was lost: it already went through, under this token.
    if (item && item.holder === undefined && item.releasedBy === holder && item.fencingToken === fencingToken) return fromItem(item);
    throw refusal(name, holder, credentialHash, now, item, fencingToken);
  }
}

/**
 * The lease as it stands, told only to a verified credential: after a holder's renew or
 * release was refused (the lease's own credential hash did not match, or the lease moved),
 * one transaction of two condition checks — the member's credential hash, and a check
 * built to fail on an existing lease so that it hands the lease back. An invalid
 * credential is 401 and learns nothing. Undefined: there is no such lease.
 */
export async function leaseSeenBy(name: string, holder: number, credentialHash: string): Promise<Item | undefined> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.member(holder),
              // Nothing about the lease is told to a credential that is not the member's current one.
              ConditionExpression: 'credentialHash = :cred',
              ExpressionAttributeValues: { ':cred': credentialHash },
            },
          },
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.lease(name),
              // Fails whenever the lease exists: that failure returns it, in the same transaction as the credential check.
              ConditionExpression: 'attribute_not_exists(PK)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );
    return undefined;
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') throw new Unauthorized('Invalid node credential');
    if (reasons[1]?.code === 'ConditionalCheckFailed') return reasons[1].item;
    throw err;
  }
}

/** Why an acquire's member check failed: not a member, a credential that is not the member's, or not active. */
function memberRefusal(holder: number, credentialHash: string, member: Item | undefined): Error {
  if (!member) return new Unauthorized('Invalid node credential');
  if (member.credentialHash !== credentialHash) return new Unauthorized('Invalid node credential');
  return new Conflict(`Node ${holder} is ${String(member.drainState)}: it takes no new lease`);
}

/** Why a holder's renew or release was refused, from the lease as it stood. */
function refusal(name: string, holder: number, credentialHash: string, now: number, item: Item | undefined, fencingToken?: number): Error {
  if (!item) return new NotFound(`Lease ${name} not found`);
  const lease = fromItem(item);
  if (lease.holder === holder && item.holderCredentialHash !== credentialHash)
    return new Conflict(`Lease ${name} was taken under another credential of node ${holder}`);
  if (fencingToken !== undefined && lease.fencingToken !== fencingToken) {
    return new Conflict(`Stale fencing token for lease ${name}: the current token is newer`);
  }
  if (lease.holder !== holder)
    return new Conflict(lease.holder === undefined ? `Lease ${name} is not held` : `Lease ${name} is held by node ${lease.holder}`);
  if (lease.expiresAt <= now) return new Conflict(`Lease ${name} has expired`);
  return new Conflict(`Lease ${name} changed concurrently; retry`);
}

/**
 * A transaction item that takes `lease` away from `holder`: it is cleared and its fencing
 * token moves on, so the old holder's renewals, releases and fenced writes fail from now on.
 */
export const revokeItem = (lease: Lease, holder: number, now: number, how: { returnOld?: boolean; lapsedOnly?: boolean } = {}) => ({
  Update: {
    TableName: TABLE,
    Key: keys.lease(lease.name),
    UpdateExpression:
      'SET fencingToken = :token, leaseExpiresAt = :now, revokedAt = :now REMOVE holder, holderCredentialHash, GSI1PK, GSI1SK, holderDrainEpoch',
    // Only if it is still this holder's; the token only ever grows; with lapsedOnly, never a lease renewed since it was read.
    ConditionExpression: `holder = :holder AND fencingToken < :token${how.lapsedOnly ? ' AND leaseExpiresAt <= :now' : ''}`,
    ExpressionAttributeValues: { ':holder': holder, ':token': nextFencingToken(now, lease.fencingToken), ':now': now },
    ...(how.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  },
});

/**
 * Takes every lease `holder` still has away from it (removal), each with its own
 * conditional write (see revokeItem). Returns the names revoked.
 */
export async function revokeAll(holder: number, now: number): Promise<string[]> {
  const revoked: string[] = [];
  for (const lease of await heldBy(holder, holder, 0)) {
    try {
      await documents.send(new UpdateCommand(revokeItem(lease, holder, now).Update));
      revoked.push(lease.name);
    } catch (err) {
      if (!conditionFailure(err)) throw err; // released or taken meanwhile: nothing to revoke
    }
  }
  return revoked;
}

/**
 * Marks the leases `holder` has with its drain epoch, so that releasing one of them tells
 * the releaser to check whether the drain is now complete (no extra read on ordinary releases).
 */
export async function markHolderDraining(holder: number, drainEpoch: number, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: keys.lease(name),
            UpdateExpression: 'SET holderDrainEpoch = :epoch',
            // Only while it is still this holder's.
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': holder, ':epoch': drainEpoch },
          }),
        );
      } catch (err) {
        if (!conditionFailure(err)) throw err;
      }
    }),
  );
}
