import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { memberCheck, memberRefusal, type MemberRefusal } from '../cluster/member-parts';
import { documents, TABLE } from '../store/client';
import { cancellationReasons, conditionFailure, type Item } from '../store/conditions';
import { keys } from '../store/keys';
import { fromItem, minuteOf, staleMinutes, type Lease } from './lease';

/**
 * The lease store: the only writer of lease items (and their range pointers and range-id
 * counter). Every write is one conditional write or one transaction; a holder's write that
 * a member must allow carries the member store's own condition (lib/cluster/member-parts.ts).
 * Outcomes are typed; lib/leases/use-cases.ts turns refusals into errors. The read half is
 * ./reads.ts and the taking away of leases (revocation, drain marks) ./revocation-store.ts,
 * both re-exported so callers keep one import.
 */
export { get, getByRange, heldBy, page } from './reads';
export { markHolderDraining, revokeAll, revokeItem, revokeWhile } from './revocation-store';
export { nextFencingToken } from './lease';

/** The holder is a member, active, and the credential is its current one. */
const activeHolder = (holder: number, credentialHash: string) => memberCheck(holder, { kind: 'active-holder', credentialHash });

/** What a holder's write names: the lease, the node and the credential it acts under, the time-to-live. */
export interface HolderWrite {
  name: string;
  holder: number;
  credentialHash: string;
  ttlMs: number;
  now: number;
}

/** The member check refused the holder (not a member, not its credential, not active). */
type MemberRefused = { kind: 'member-refused'; refusal: MemberRefusal };

export type AcquireOutcome =
  | { kind: 'acquired'; lease: Lease }
  | { kind: 'missing' }
  /** Someone (perhaps this holder) holds it unexpired. */
  | { kind: 'held'; lease: Lease }
  | { kind: 'token-behind'; lease: Lease }
  | MemberRefused;

/**
 * Takes a free or expired lease for `holder` in ONE transaction: the member must exist
 * and be active, and the lease must be free or expired.
 */
export async function acquire(input: HolderWrite & { token: number }): Promise<AcquireOutcome> {
  const { name, holder, credentialHash, ttlMs, now, token } = input;
  const expiresAt = now + ttlMs;
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          activeHolder(holder, credentialHash),
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
    const refusal = memberRefusal(member, credentialHash);
    if (refusal) return { kind: 'member-refused', refusal };
    if (lease?.code !== 'ConditionalCheckFailed') throw err;
    if (!lease.item) return { kind: 'missing' };
    const current = fromItem(lease.item);
    if (current.holder !== undefined && current.expiresAt > now) return { kind: 'held', lease: current };
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

/**
 * Creates a lease held by `holder`, with its range pointer, in one transaction. `exists`:
 * another creation won. `unmoved`: the lease is still at its key from before the leases were
 * sharded, waiting for the migration (lib/system/migrate-leases.ts): a second item would
 * hand it to a second holder and restart its fencing token.
 */
export async function create(
  input: HolderWrite & { rangeId: number; token: number },
): Promise<{ kind: 'done'; lease: Lease } | { kind: 'exists' } | { kind: 'unmoved' } | MemberRefused> {
  const { name, holder, credentialHash, ttlMs, now, rangeId, token } = input;
  const lease: Lease = { name, rangeId, holder, fencingToken: token, expiresAt: now + ttlMs, acquiredAt: now, ops: { [minuteOf(now)]: 1 } };
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          activeHolder(holder, credentialHash),
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
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: keys.legacyLease(name),
              // No copy of this lease from before the sharding is left to move: the lease is new.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
    return { kind: 'done', lease };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const refusal = memberRefusal(reasons[0], credentialHash);
    if (refusal) return { kind: 'member-refused', refusal };
    if (reasons[1]?.code === 'ConditionalCheckFailed') return { kind: 'exists' };
    if (reasons[3]?.code === 'ConditionalCheckFailed') return { kind: 'unmoved' };
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

/** A lease as a refused holder is shown it: with the credential it was taken under and who last released it. */
export interface LeaseImage extends Lease {
  holderCredentialHash?: string;
  releasedBy?: number;
}

const imageOf = (item: Item): LeaseImage => ({
  ...fromItem(item),
  ...(typeof item.holderCredentialHash === 'string' ? { holderCredentialHash: item.holderCredentialHash } : {}),
  ...(item.releasedBy === undefined ? {} : { releasedBy: Number(item.releasedBy) }),
});

/** Why a holder's renew or release was refused: its credential is not the member's, there is no lease, or the lease as it stands. */
export type HolderRefusal = { kind: 'invalid-credential' } | { kind: 'missing' } | { kind: 'moved'; current: LeaseImage };

/** Renews my unexpired lease in ONE conditional update; with `fencingToken`, it must be the current one. */
export async function renew(input: HolderWrite & { fencingToken?: number }): Promise<{ kind: 'done'; lease: Lease } | HolderRefusal> {
  const { name, holder, credentialHash } = input;
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand(renewWrite(TABLE, name, holder, credentialHash, input.ttlMs, input.now, input.fencingToken)),
    );
    return { kind: 'done', lease: fromItem(Attributes!) };
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    return leaseSeenBy(name, holder, credentialHash);
  }
}

/** Releases my lease; the current fencing token is required. */
export async function release(input: {
  name: string;
  holder: number;
  credentialHash: string;
  fencingToken: number;
  now: number;
}): Promise<{ kind: 'done'; lease: Lease } | HolderRefusal> {
  const { name, holder, credentialHash, fencingToken, now } = input;
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
    return { kind: 'done', lease: fromItem(Attributes!) };
  } catch (err) {
    if (!conditionFailure(err)) throw err;
    const seen = await leaseSeenBy(name, holder, credentialHash);
    // The SDK retried a release whose answer was lost: it already went through, under this token.
    const current = seen.kind === 'moved' ? seen.current : undefined;
    if (current && current.holder === undefined && current.releasedBy === holder && current.fencingToken === fencingToken) {
      return { kind: 'done', lease: current };
    }
    return seen;
  }
}

/**
 * The lease as it stands, told only to a verified credential: after a holder's renew or
 * release was refused (the lease's own credential hash did not match, or the lease moved),
 * one transaction of two condition checks — the member's credential hash, and a check
 * built to fail on an existing lease so that it hands the lease back. An invalid
 * credential learns nothing.
 */
async function leaseSeenBy(name: string, holder: number, credentialHash: string): Promise<HolderRefusal> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          memberCheck(holder, { kind: 'holds', credentialHash }),
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
    return { kind: 'missing' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons[0]?.code === 'ConditionalCheckFailed') return { kind: 'invalid-credential' };
    if (reasons[1]?.code === 'ConditionalCheckFailed' && reasons[1].item) return { kind: 'moved', current: imageOf(reasons[1].item) };
    throw err;
  }
}
