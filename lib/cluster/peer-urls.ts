import { TABLE } from '../store/client';
import type { Cancellation } from '../store/conditions';
import { keys } from '../store/keys';
import { canonicalPeerUrl } from './rules';

/**
 * The uniqueness items of members' peer URLs (keys.peerUrl): as etcd does, no two members
 * share a peer URL. They are written, moved and deleted only inside the transactions that
 * give a member its URLs, change them or remove it, so they never disagree with the
 * members, and no request reads the members to decide uniqueness.
 */

const peerKey = (url: string) => keys.peerUrl(canonicalPeerUrl(url));

/** The Puts that reserve `urls` for `nodeId`: each must be free, or already this member's. */
export const reservePeerUrls = (nodeId: number, urls: readonly string[]) =>
  urls.map((url) => ({
    Put: {
      TableName: TABLE,
      Item: { ...peerKey(url), nodeId, peerURL: url },
      // A peer URL belongs to one member: another's reservation refuses this one (409).
      ConditionExpression: 'attribute_not_exists(PK) OR nodeId = :id',
      ExpressionAttributeValues: { ':id': nodeId },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  }));

/** The Deletes that free `urls` of `nodeId`. */
export const releasePeerUrls = (nodeId: number, urls: readonly string[]) =>
  urls.map((url) => ({
    Delete: {
      TableName: TABLE,
      Key: peerKey(url),
      // Only this member's own reservation (a member written before reservations existed has none).
      ConditionExpression: 'attribute_not_exists(PK) OR nodeId = :id',
      ExpressionAttributeValues: { ':id': nodeId },
    },
  }));

/** The URLs of `next` that `current` does not already hold, compared as peer URLs compare. */
export const peerUrlsBeyond = (next: readonly string[], current: readonly string[]): string[] => {
  const held = new Set(current.map(canonicalPeerUrl));
  return next.filter((url) => !held.has(canonicalPeerUrl(url)));
};

/** A peer URL another member holds. */
export interface PeerUrlTaken {
  url: string;
  owner: number;
}

/** In a cancelled transaction, the first failed reservation of `urls`, placed from item `from` on. */
export function peerUrlTaken(reasons: readonly Cancellation[] | null, from: number, urls: readonly string[]): PeerUrlTaken | undefined {
  for (const [i, url] of urls.entries()) {
    const reason = reasons?.[from + i];
    if (reason?.code === 'ConditionalCheckFailed') return { url, owner: Number(reason.item?.nodeId ?? 0) };
  }
  return undefined;
}
