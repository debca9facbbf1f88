import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditedWrite, type AuditEntry } from '../audit/audit';
import { documents, TABLE } from '../store/client';
import { cancellationReasons } from '../store/conditions';
import { keys } from '../store/keys';
import { memberToItem, type Member } from './member';
import { contended, currentOf } from './member-parts';
import { pinAttribute } from './meta';
import { peerUrlsBeyond, peerUrlTaken, releasePeerUrls, reservePeerUrls, type PeerUrlTaken } from './peer-urls';

/**
 * The member store: the only writer of the member item and of the cluster item's counters
 * (memberCount, voterCount, appliedIndex), in three files by what changes —
 *   - this one: membership an operator changes (a member added, its peer URLs, a promotion,
 *     a removal), each one transaction with the counters and the audit entry;
 *   - ./member-join-store.ts: a node joining (the token redemption) and a join's retry;
 *   - ./member-state-store.ts: one member's own state (heartbeat, health, credential, drain).
 * ./member-parts.ts gives other capabilities' transactions their conditions on a member,
 * ./member-reads.ts is the read half. Every outcome is typed; use cases turn refusals into
 * DomainErrors (./refusals.ts).
 */

/**
 * The cluster item's counters move with a membership change: ADD each given amount. `pin`
 * keeps the voters' pins (see ./meta.ts) with voterCount: set a new voter's, remove a gone one's.
 */
const counters = (
  add: { memberCount?: number; voterCount?: number },
  values: Record<string, unknown> = {},
  pin?: { set: number; fingerprint: string } | { remove: number },
) => {
  const names = Object.entries({ ...add, appliedIndex: 1 });
  const pinning = pin && 'set' in pin ? ` SET #pin = :pin` : pin ? ' REMOVE #pin' : '';
  return {
    UpdateExpression: `ADD ${names.map(([k]) => `${k} :${k}Delta`).join(', ')}${pinning}`,
    ExpressionAttributeValues: {
      ...Object.fromEntries(names.map(([k, n]) => [`:${k}Delta`, n])),
      ...values,
      ...(pin && 'set' in pin ? { ':pin': pin.fingerprint } : {}),
    },
    ...(pin ? { ExpressionAttributeNames: { '#pin': pinAttribute('set' in pin ? pin.set : pin.remove) } } : {}),
  };
};

/**
 * A member added by an operator (Sensu Go POST): a nonvoter that no node has claimed yet,
 * with its peer URLs reserved in the same transaction. `id-taken`: the random id is a
 * member's already (mint another).
 */
export async function addUnclaimed(
  member: Member,
  audit: AuditEntry,
): Promise<{ kind: 'done' } | { kind: 'id-taken' } | { kind: 'peer-url-taken'; taken: PeerUrlTaken }> {
  try {
    await documents.send(
      auditedWrite(
        [
          {
            Put: {
              TableName: TABLE,
              Item: memberToItem(member),
              // A freshly minted random id: it must not be someone's already.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Update: { TableName: TABLE, Key: keys.clusterMeta(), ...counters({ memberCount: 1 }) } },
        ],
        audit,
        member.createdAt,
        reservePeerUrls(member.nodeId, member.peerURLs),
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    const taken = peerUrlTaken(reasons, 3, member.peerURLs);
    if (taken) return { kind: 'peer-url-taken', taken };
    if (reasons?.[0]?.code === 'ConditionalCheckFailed') return { kind: 'id-taken' };
    throw err;
  }
}

/** The member still holds exactly these peer URLs (none: an empty list, or a member written before they were kept). */
const samePeerUrls = (urls: readonly string[]) =>
  urls.length === 0 ? '(attribute_not_exists(peerURLs) OR size(peerURLs) = :zero)' : 'peerURLs = :urls';
const peerUrlValues = (urls: readonly string[]) => (urls.length === 0 ? { ':zero': 0 } : { ':urls': [...urls] });

export type PeerUrlsOutcome = { kind: 'done' } | { kind: 'missing' } | { kind: 'moved' } | { kind: 'peer-url-taken'; taken: PeerUrlTaken };

/**
 * Sets a member's peer URLs (Sensu Go PUT), moving their reservations and writing the audit
 * entry in the same transaction: `seen` is the member as read, and the write holds only
 * while it still has the URLs read (`moved`: read again).
 */
export async function setPeerUrls(input: { seen: Member; peerURLs: string[]; now: number; audit: AuditEntry }): Promise<PeerUrlsOutcome> {
  const { seen, peerURLs } = input;
  const added = peerUrlsBeyond(peerURLs, seen.peerURLs);
  const dropped = peerUrlsBeyond(seen.peerURLs, peerURLs);
  try {
    await documents.send(
      auditedWrite(
        [
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
        ],
        input.audit,
        input.now,
        [...reservePeerUrls(seen.nodeId, added), ...releasePeerUrls(seen.nodeId, dropped)],
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const taken = peerUrlTaken(reasons, 2, added);
    if (taken) return { kind: 'peer-url-taken', taken };
    const member = reasons[0];
    if (member?.code === 'ConditionalCheckFailed') return member.item ? { kind: 'moved' } : { kind: 'missing' };
    if (contended(reasons)) return { kind: 'moved' };
    throw err;
  }
}

/**
 * A member written before peer URLs were unique (the migration): its URLs on the item and
 * their reservations, together. `clash`: a URL is another member's already.
 */
export async function reserveLegacyPeerUrls(
  nodeId: number,
  urls: string[],
): Promise<{ kind: 'done' } | { kind: 'missing' } | { kind: 'clash' } | { kind: 'contended' }> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              UpdateExpression: 'SET peerURLs = :urls',
              // The member is still there; its removal then frees exactly these reservations.
              ConditionExpression: 'attribute_exists(PK)',
              ExpressionAttributeValues: { ':urls': urls },
            },
          },
          ...reservePeerUrls(nodeId, urls),
        ],
      }),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    if (reasons.slice(1).some((r) => r?.code === 'ConditionalCheckFailed')) return { kind: 'clash' };
    return reasons[0]?.code === 'ConditionalCheckFailed' ? { kind: 'missing' } : { kind: 'contended' };
  }
}

/** What autopilot saw when it chose to promote: the write holds only if it still stands. */
export interface StablePromotion {
  stableSince: number;
  /** The member must have heartbeated at or after this (epoch ms): still alive at the write. */
  aliveSince: number;
}

export type PromoteOutcome = { kind: 'done' } | { kind: 'missing' } | { kind: 'moved'; current: Member } | { kind: 'contended' };

/**
 * nonvoter → voter, with the voter count and the audit entry, in one transaction. With
 * `stable` (autopilot), only an active member whose persisted health is still the one
 * judged: a drain, a failure or another pass's promotion since makes it `moved`.
 */
export async function promote(input: {
  nodeId: number;
  /** The member's fingerprint as read: it becomes the new voter's pin, so the write holds only while it is still that. */
  certFingerprint: string;
  now: number;
  audit: AuditEntry;
  stable?: StablePromotion;
}): Promise<PromoteOutcome> {
  const { nodeId, now, stable } = input;
  try {
    await documents.send(
      auditedWrite(
        [
          {
            Update: {
              TableName: TABLE,
              Key: keys.member(nodeId),
              UpdateExpression: 'SET suffrage = :voter, promotedAt = :now',
              // Only an existing nonvoter is promoted (a voter is already one, a missing member none);
              // autopilot's also: never a draining or drained member, and only at the stable health it judged.
              // The pin written is its fingerprint as read (none yet: an unclaimed Sensu member, still unclaimed).
              ConditionExpression: `attribute_exists(PK) AND suffrage = :nonvoter AND ${
                input.certFingerprint === '' ? '(attribute_not_exists(certFingerprint) OR certFingerprint = :fp)' : 'certFingerprint = :fp'
              }${stable ? ' AND drainState = :active AND healthy = :yes AND stableSince = :since AND lastHeartbeatAt >= :alive' : ''}`,
              ExpressionAttributeValues: {
                ':voter': 'voter',
                ':nonvoter': 'nonvoter',
                ':fp': input.certFingerprint,
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
              ...counters({ voterCount: 1 }, {}, { set: nodeId, fingerprint: input.certFingerprint }),
            },
          },
        ],
        input.audit,
        now,
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const member = reasons[0];
    if (member?.code === 'ConditionalCheckFailed') {
      const current = currentOf(member.item);
      return current ? { kind: 'moved', current } : { kind: 'missing' };
    }
    if (contended(reasons)) return { kind: 'contended' };
    throw err;
  }
}

/** What autopilot saw when it judged a member dead and its removal safe. */
export interface DeadRemoval {
  /** The cluster's voter count as read: another removal or promotion since changes the quorum sums. */
  voterCount: number;
}

export type RemoveOutcome =
  | { kind: 'done' }
  | { kind: 'missing' }
  /** The member is not as read (or, without force, not drained): `current` is how it stands. */
  | { kind: 'moved'; current: Member }
  /** The cluster item names it the leader, which is never removed. */
  | { kind: 'leader' }
  /** Autopilot's: the voters are no longer those its quorum check counted. */
  | { kind: 'voters-moved' }
  | { kind: 'contended' };

/**
 * Deletes a member with the counters and the audit entry in one transaction. The leader
 * is never removed; without `force` only a drained member is. `seen` is the member as
 * read: if its suffrage changed since, the counters would be wrong, so that is `moved` too.
 * With `dead` (autopilot), the member must not have heartbeated since it was read, and
 * the voters must be those the quorum check counted.
 */
export async function remove(input: {
  seen: Member;
  force: boolean;
  now: number;
  audit: AuditEntry;
  dead?: DeadRemoval;
}): Promise<RemoveOutcome> {
  const { seen, force, dead } = input;
  const nodeId = seen.nodeId;
  const stillDead = dead && seen.lastHeartbeatAt !== undefined ? ' AND lastHeartbeatAt = :beat' : '';
  try {
    await documents.send(
      auditedWrite(
        [
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
              ...counters(
                { memberCount: -1, voterCount: seen.suffrage === 'voter' ? -1 : 0 },
                { ':id': nodeId, ...(dead ? { ':voterCount': dead.voterCount } : {}) },
                seen.suffrage === 'voter' ? { remove: nodeId } : undefined,
              ),
              // The leader is refused, even with force: the cluster item says who leads. Autopilot's: the voters are as counted.
              ConditionExpression: `attribute_exists(PK) AND leaderNodeId <> :id${dead ? ' AND voterCount = :voterCount' : ''}`,
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
        input.audit,
        input.now,
        releasePeerUrls(nodeId, seen.peerURLs),
      ),
    );
    return { kind: 'done' };
  } catch (err) {
    const reasons = cancellationReasons(err);
    if (!reasons) throw err;
    const [member, meta] = reasons;
    if (member?.code === 'ConditionalCheckFailed') {
      const current = currentOf(member.item);
      return current ? { kind: 'moved', current } : { kind: 'missing' };
    }
    if (meta?.code === 'ConditionalCheckFailed') return meta.item?.leaderNodeId === nodeId ? { kind: 'leader' } : { kind: 'voters-moved' };
    if (contended(reasons)) return { kind: 'contended' };
    throw err;
  }
}
