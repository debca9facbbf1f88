import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../identity/principal';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';
import { callerAddress } from './caller';
import { DEFAULT_RETENTION_DAYS, expiryOf } from './state';

/** Who did what to what, when, and under which request: one entry per state change. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/** How an audit entry names the caller: `user:<email>`, `node:<id>` or `anonymous`. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return `user:${principal.email}`;
    case 'node':
    case 'node-claim':
      return `node:${principal.nodeId}`;
  }
}

/** The audit log's `user`: a user's email, else the actor as written (`node:<id>`, `system:autopilot`, `anonymous`). */
export const userOf = (actor: string): string => actor.replace(/^user:/, '');

function auditItem(entry: AuditEntry, now: number): Record<string, unknown> {
  const at = new Date(now);
  const key = keys.audit(at, `${entry.requestId}#${randomUUID().slice(0, 8)}`);
  return {
    ...key,
    ...keys.auditIndexes(key.SK, userOf(entry.actor), entry.action),
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    requestId: entry.requestId,
    ip: callerAddress(),
    details: entry.details ?? {},
    // The default retention; a retention set since is applied by the watcher (lib/audit/maintenance.ts).
    expiresAt: expiryOf(key.SK, DEFAULT_RETENTION_DAYS),
  };
}

/** The entry as one item of a TransactWriteItems, so it is written if and only if the change is. */
export const auditPut = (entry: AuditEntry, now = Date.now()) => ({ Put: { TableName: TABLE, Item: auditItem(entry, now) } });

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Update = NonNullable<TransactItem['Update']>;

/**
 * A change's transaction items and its audit entry, in one transaction: the entry is written
 * if and only if the change is. It comes right after `items`, so their cancellation reasons
 * keep their places (the entry's is at `items.length`).
 */
export const auditedWrite = (items: readonly TransactItem[], entry: AuditEntry, now = Date.now(), after: readonly TransactItem[] = []) =>
  new TransactWriteCommand({ TransactItems: [...items, auditPut(entry, now), ...after] });

/** One item's conditional update and its audit entry, in one transaction. */
export const auditedUpdate = (update: Omit<Update, 'TableName'>, entry: AuditEntry, now = Date.now()) =>
  auditedWrite([{ Update: { TableName: TABLE, ...update } }], entry, now);

/** The entry on its own, after a single-item change has succeeded. */
export async function recordAudit(entry: AuditEntry, now = Date.now()): Promise<void> {
  await documents.send(new PutCommand({ TableName: TABLE, Item: auditItem(entry, now) }));
}
