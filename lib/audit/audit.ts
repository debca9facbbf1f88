import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../identity/principal';
import { documents, TABLE } from '../store/client';
import { keys } from '../store/keys';

/** Who did what to what, when, and under which request: one entry per state change. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  requestId: string;
  details?: Record<string, unknown>;
}

const RETENTION_SECONDS = 90 * 86_400;

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

function auditItem(entry: AuditEntry, now: number): Record<string, unknown> {
  const at = new Date(now);
  return {
    ...keys.audit(at, `${entry.requestId}#${randomUUID().slice(0, 8)}`),
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    requestId: entry.requestId,
    details: entry.details ?? {},
    expiresAt: Math.floor(now / 1000) + RETENTION_SECONDS,
  };
}

/** The entry as one item of a TransactWriteItems, so it is written if and only if the change is. */
export const auditPut = (entry: AuditEntry, now = Date.now()) => ({ Put: { TableName: TABLE, Item: auditItem(entry, now) } });

type Update = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>;

/** One item's conditional update and its audit entry, in one transaction: the entry is written if and only if the change is. */
export const auditedUpdate = (update: Omit<Update, 'TableName'>, entry: AuditEntry, now = Date.now()) =>
  new TransactWriteCommand({ TransactItems: [{ Update: { TableName: TABLE, ...update } }, auditPut(entry, now)] });

/** The entry on its own, after a single-item change has succeeded. */
export async function recordAudit(entry: AuditEntry, now = Date.now()): Promise<void> {
  await documents.send(new PutCommand({ TableName: TABLE, Item: auditItem(entry, now) }));
}
