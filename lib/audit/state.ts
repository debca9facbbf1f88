import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';

/**
 * The audit log's one bookkeeping item. `count` is the number of entries whose sort key
 * lies in [`from`, `head`]: the watcher moves `head` over new entries and `from` with the
 * retention window (lib/audit/maintenance.ts). `fix`, while present, is how far the
 * watcher has re-applied a changed retention to older entries' expiry ('' = not started).
 * `version` guards every write of the item, so overlapping passes never count twice.
 */
export interface AuditState {
  days: number;
  version: number;
  count: number;
  from?: string;
  head?: string;
  fix?: string;
}

/** How long an entry is kept when no retention was set (GET|PUT /api/v1/logs/audit/retention). */
export const DEFAULT_RETENTION_DAYS = 90;

export const DAY_MS = 86_400_000;
/** TTL deletes an entry only this long after it left the window, so the watcher counts it out first. */
export const EXPIRY_GRACE_SECONDS = 86_400;

/** The length of an ISO timestamp: an entry's sort key starts with one (`<iso>#<id>`). */
export const ISO_LENGTH = 24;

export const cutoffOf = (now: number, days: number): string => new Date(now - days * DAY_MS).toISOString();

/** When TTL may delete an entry of `sk` under a retention of `days`. */
export const expiryOf = (sk: string, days: number): number =>
  Math.floor(Date.parse(sk.slice(0, ISO_LENGTH)) / 1000) + days * 86_400 + EXPIRY_GRACE_SECONDS;

export async function readAuditState(consistent = false): Promise<AuditState> {
  const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.auditState(), ConsistentRead: consistent }));
  return {
    days: Number(Item?.days ?? DEFAULT_RETENTION_DAYS),
    version: Number(Item?.version ?? 0),
    count: Number(Item?.count ?? 0),
    ...(typeof Item?.from === 'string' ? { from: Item.from } : {}),
    ...(typeof Item?.head === 'string' ? { head: Item.head } : {}),
    ...(typeof Item?.fix === 'string' ? { fix: Item.fix } : {}),
  };
}
