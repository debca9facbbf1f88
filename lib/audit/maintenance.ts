import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, TABLE } from '../store/client';
import { conditionFailure, type Item } from '../store/conditions';
import { keys } from '../store/keys';
import { edgeMove } from './log';
import { cutoffOf, DEFAULT_RETENTION_DAYS, expiryOf, ISO_LENGTH, readAuditState, type AuditState } from './state';

/**
 * The watcher's audit step, bounded work per pass:
 *   - `head` moves over entries written since the last pass (up to BATCH), counting them
 *     and, under a retention other than the default writers use, setting their expiry;
 *   - `fix`, after a retention change, walks older entries from the oldest (up to BATCH)
 *     and moves their expiry to the new retention;
 *   - `from` follows the window's lower edge, counting out what left it (or back in what
 *     a longer retention brought back).
 * Entries younger than SETTLE_MS are left for the next pass: a transaction stamped a
 * moment ago may still be committing behind `head`.
 */

const BATCH = 500;
const WRITES_AT_ONCE = 25;
const SETTLE_MS = 60_000;

export interface AuditPassReport {
  counted: number;
  expiriesMoved: number;
  /** False when a concurrent pass or a retention change won the state write: nothing is lost, the next pass redoes it. */
  saved: boolean;
}

/** Entries of all users with sort keys after `after` (an entry's SK, or a bare iso) and up to `upTo`, oldest first. */
async function walk(after: string, upTo: string): Promise<Item[]> {
  const exclusive =
    after.length > ISO_LENGTH ? { PK: `AUDIT#${after.slice(0, 10)}`, SK: after, GSI1PK: keys.auditAllPartition, GSI1SK: after } : undefined;
  const page = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': keys.auditAllPartition, ':low': after.slice(0, ISO_LENGTH), ':high': upTo },
      ExclusiveStartKey: exclusive,
      Limit: BATCH,
    }),
  );
  return page.Items ?? [];
}

/** Moves each entry's expiry to `days`; an entry TTL already removed is not written back. */
async function moveExpiries(items: Item[], days: number): Promise<number> {
  const wrong = items.filter((i) => Number(i.expiresAt) !== expiryOf(String(i.SK), days));
  for (let i = 0; i < wrong.length; i += WRITES_AT_ONCE) {
    await Promise.all(
      wrong.slice(i, i + WRITES_AT_ONCE).map(async (item) => {
        try {
          await documents.send(
            new UpdateCommand({
              TableName: TABLE,
              Key: { PK: item.PK, SK: item.SK },
              UpdateExpression: 'SET expiresAt = :exp',
              // Never recreates an entry TTL deleted meanwhile.
              ConditionExpression: 'attribute_exists(PK)',
              ExpressionAttributeValues: { ':exp': expiryOf(String(item.SK), days) },
            }),
          );
        } catch (err) {
          if (!conditionFailure(err)) throw err;
        }
      }),
    );
  }
  return wrong.length;
}

export async function auditPass(now: number): Promise<AuditPassReport> {
  const state: AuditState = await readAuditState(true);
  const cutoff = cutoffOf(now, state.days);
  const settled = new Date(now - SETTLE_MS).toISOString();
  const report: AuditPassReport = { counted: 0, expiriesMoved: 0, saved: false };

  // The window's lower edge first: on the first pass, the count starts at the edge.
  const from = state.from ?? cutoff;
  const head = state.head ?? cutoff;
  let count = state.count;
  if (state.from !== undefined) count += await edgeMove(from, head, cutoff, now);

  const fresh = await walk(head, settled);
  const newHead = fresh.length > 0 ? String(fresh.at(-1)!.SK) : head;
  // Entries the window's edge passed while the head walked them are not counted in.
  count += fresh.filter((i) => String(i.SK) >= cutoff).length;
  report.counted = fresh.length;
  if (state.days !== DEFAULT_RETENTION_DAYS) report.expiriesMoved += await moveExpiries(fresh, state.days);

  let fix = state.fix;
  if (fix !== undefined) {
    const older = await walk(fix === '' ? '0' : fix, newHead);
    report.expiriesMoved += await moveExpiries(older, state.days);
    fix = older.length === BATCH ? String(older.at(-1)!.SK) : undefined;
  }

  try {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.auditState(),
        UpdateExpression: `SET #count = :count, #from = :from, head = :head, version = :next${fix === undefined ? ' REMOVE fix' : ', fix = :fix'}`,
        // Only over the state this pass read: a concurrent pass or retention change since wins, and this pass is redone.
        ConditionExpression: state.version === 0 ? 'attribute_not_exists(version)' : 'version = :version',
        ExpressionAttributeNames: { '#count': 'count', '#from': 'from' },
        ExpressionAttributeValues: {
          ':count': Math.max(0, count),
          ':from': cutoff,
          ':head': newHead,
          ':next': state.version + 1,
          ...(state.version === 0 ? {} : { ':version': state.version }),
          ...(fix === undefined ? {} : { ':fix': fix }),
        },
      }),
    );
    report.saved = true;
  } catch (err) {
    if (!conditionFailure(err)) throw err;
  }
  return report;
}
