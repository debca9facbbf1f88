import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { BadRequest } from '../errors';
import { documents, TABLE } from '../store/client';
import type { Item } from '../store/conditions';
import { keys } from '../store/keys';
import { auditedUpdate, userOf, type AuditEntry } from './audit';
import { cutoffOf, DAY_MS, ISO_LENGTH, readAuditState, type AuditState } from './state';

/**
 * The audit log as Ella Core's UI reads it (GET /api/v1/logs/audit): newest first, one
 * Query per page on the index of the first filter (user, else action, else all entries),
 * the time window as the key condition and a second filter as a filter expression.
 */

export interface AuditFilters {
  user?: string;
  action?: string;
  /** Ella's: whole UTC days, `YYYY-MM-DD`; `end` includes its day. */
  start?: string;
  end?: string;
}

export interface AuditLogView {
  id: string;
  timestamp: string;
  level: string;
  user: string;
  action: string;
  ip: string;
  details: string;
}

/** A search: which index partition, and the key condition and filter every Query of it shares. */
interface Search {
  /** The window is empty (an end before the start or the retention): nothing to ask DynamoDB, whose BETWEEN refuses it. */
  empty: boolean;
  index: 'GSI1' | 'GSI2' | 'GSI3';
  partition: string;
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit' | 'Select'>;
}

const dayOf = (s: string | undefined): number | undefined => {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const t = Date.parse(`${s}T00:00:00.000Z`);
  return Number.isNaN(t) ? undefined : t;
};

/** What Ella ignores, Roster ignores: a start or end that is no date does not filter. */
export function searchOf(filters: AuditFilters, days: number, now: number): Search {
  const start = dayOf(filters.start);
  const end = dayOf(filters.end);
  const cutoff = cutoffOf(now, days);
  const low = start !== undefined && new Date(start).toISOString() > cutoff ? new Date(start).toISOString() : cutoff;
  // Entries' sort keys are `<iso>#<id>`: an iso bound excludes that millisecond at the top and includes it at the bottom.
  const high = end !== undefined ? new Date(end + DAY_MS).toISOString() : '~';
  const [index, partition] = filters.user
    ? (['GSI2', keys.auditUserPartition(filters.user)] as const)
    : filters.action
      ? (['GSI3', keys.auditActionPartition(filters.action)] as const)
      : (['GSI1', keys.auditAllPartition] as const);
  const both = filters.user !== undefined && filters.action !== undefined;
  return {
    empty: high <= low,
    index,
    partition,
    input: {
      IndexName: index,
      KeyConditionExpression: `#pk = :pk AND #sk BETWEEN :low AND :high`,
      // Expired entries wait for TTL, which deletes late; with both filters, the action is a filter on the user's Query.
      FilterExpression: `expiresAt > :now${both ? ' AND #action = :action' : ''}`,
      ExpressionAttributeNames: { '#pk': `${index}PK`, '#sk': `${index}SK`, ...(both ? { '#action': 'action' } : {}) },
      ExpressionAttributeValues: {
        ':pk': partition,
        ':low': low,
        ':high': high,
        ':now': Math.floor(now / 1000),
        ...(both ? { ':action': filters.action } : {}),
      },
      ScanIndexForward: false,
    },
  };
}

/** `next` is the last evaluated key, opaque to the client; one that is not of this search is 400. */
const encodeCursor = (key: Item): string => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(cursor: string, search: Search): Item | 'end' {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequest('next is not a cursor of this audit log query');
  }
  const fields = ['PK', 'SK', `${search.index}PK`, `${search.index}SK`];
  const valid =
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).length === fields.length &&
    fields.every((f) => typeof (key as Item)[f] === 'string') &&
    (key as Item)[`${search.index}PK`] === search.partition &&
    (key as Item).SK === (key as Item)[`${search.index}SK`] &&
    (key as Item).PK === `AUDIT#${String((key as Item).SK).slice(0, 10)}`;
  if (!valid) throw new BadRequest('next is not a cursor of this audit log query');
  const at = String((key as Item).SK);
  const { ':low': low, ':high': high } = search.input.ExpressionAttributeValues as { ':low': string; ':high': string };
  // DynamoDB refuses a start key outside the key condition: one of a later window is foreign, one the window's edge passed is the end.
  if (at > high) throw new BadRequest('next is not a cursor of this audit log query');
  return at < low ? 'end' : (key as Item);
}

function describe(item: Item): string {
  const details = typeof item.details === 'object' && item.details !== null ? Object.entries(item.details) : [];
  return [String(item.target ?? ''), ...details.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)]
    .filter((s) => s !== '')
    .join(' ');
}

export const auditView = (item: Item): AuditLogView => ({
  id: String(item.SK).slice(ISO_LENGTH + 1),
  timestamp: String(item.at),
  level: 'info',
  user: userOf(String(item.actor)),
  action: String(item.action),
  ip: typeof item.ip === 'string' ? item.ip : '',
  details: describe(item),
});

/** Entries of a search from `start` on: `skip` matching ones passed over, then up to `take` (one Query per call). */
async function collect(search: Search, take: number, skip: number, start?: Item) {
  const items: Item[] = [];
  if (search.empty) return { items, last: undefined };
  let exclusive = start;
  let toSkip = skip;
  do {
    const page = await documents.send(
      new QueryCommand({ TableName: TABLE, ...search.input, Limit: toSkip + take - items.length, ExclusiveStartKey: exclusive }),
    );
    for (const item of page.Items ?? []) {
      if (toSkip > 0) toSkip--;
      else items.push(item);
    }
    exclusive = page.LastEvaluatedKey;
  } while (exclusive && items.length < take);
  return { items, last: exclusive };
}

/** How many entries a search matches: a COUNT Query (still reads every match; the unfiltered log uses the counter). */
async function countOf(search: Search): Promise<number> {
  let total = 0;
  if (search.empty) return 0;
  let exclusive: Item | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({ TableName: TABLE, ...search.input, Select: 'COUNT', ExclusiveStartKey: exclusive }),
    );
    total += page.Count ?? 0;
    exclusive = page.LastEvaluatedKey;
  } while (exclusive);
  return total;
}

/** Counts entries of all users with sort keys in [low, high] (bare iso bounds), unexpired ones only when asked. */
export async function countRange(low: string, high: string, now: number, unexpiredOnly: boolean): Promise<number> {
  if (low >= high) return 0;
  return countOf({
    empty: false,
    index: 'GSI1',
    partition: keys.auditAllPartition,
    input: {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high',
      // Entries TTL will delete any moment are no longer counted in.
      ...(unexpiredOnly ? { FilterExpression: 'expiresAt > :now' } : {}),
      ExpressionAttributeValues: {
        ':pk': keys.auditAllPartition,
        ':low': low,
        ':high': high,
        ...(unexpiredOnly ? { ':now': Math.floor(now / 1000) } : {}),
      },
    },
  });
}

/**
 * The unfiltered total: the watcher's count of [from, head], corrected by the entries
 * written since its last pass and by the window's move since (both a minute's worth).
 */
export async function totalCount(state: AuditState, now: number): Promise<number> {
  const cutoff = cutoffOf(now, state.days);
  if (state.head === undefined || state.from === undefined) return countRange(cutoff, '~', now, true);
  const since = afterKey(state.head);
  const newer = await countRange(since > cutoff ? since : cutoff, '~', now, true);
  return Math.max(0, state.count + newer + (await edgeMove(state.from, state.head, cutoff, now)));
}

/** The first sort key after an entry's (a bare iso bound is already one). */
export const afterKey = (sk: string): string => (sk.length > ISO_LENGTH ? `${sk}\u0000` : sk);

/**
 * What moving the window's lower edge from `from` to `cutoff` changes in a count of
 * [from, head]: the counted entries it passed go out; a longer retention's entries come back in.
 */
export async function edgeMove(from: string, head: string, cutoff: string, now: number): Promise<number> {
  if (cutoff > from) return -(await countRange(from, cutoff < head ? cutoff : head, now, false));
  return countRange(cutoff, from, now, true);
}

export interface AuditPageRequest extends AuditFilters {
  page: number;
  perPage: number;
  next?: string;
}

/**
 * A page of the audit log. With `next`, one Query (the cheap way through); with `page=N`
 * alone, the first (N-1)·per_page matching entries are read and passed over, as an offset
 * costs in DynamoDB. `next` is present when more may follow.
 */
export async function listAuditLogs(request: AuditPageRequest, now = Date.now()) {
  const state = await readAuditState();
  const search = searchOf(request, state.days, now);
  const filtered = request.user !== undefined || request.action !== undefined || request.start !== undefined || request.end !== undefined;
  const total = filtered ? await countOf(search) : await totalCount(state, now);
  const cursor = request.next !== undefined ? decodeCursor(request.next, search) : undefined;
  const start = cursor === 'end' ? undefined : cursor;
  const skip = start ? 0 : (request.page - 1) * request.perPage;
  const { items, last } =
    cursor === 'end' || (skip >= total && !start) ? { items: [], last: undefined } : await collect(search, request.perPage, skip, start);
  return {
    items: items.map(auditView),
    page: request.page,
    per_page: request.perPage,
    total_count: total,
    ...(last ? { next: encodeCursor(last) } : {}),
  };
}

export async function getRetention() {
  return { days: (await readAuditState()).days };
}

/**
 * Sets the retention: reads apply it at once; the watcher then moves every older entry's
 * expiry to it (`fix` restarts from the oldest) and counts the window's new edge.
 */
export async function setRetention(days: number, audit: Omit<AuditEntry, 'details' | 'action' | 'target'>) {
  await documents.send(
    auditedUpdate(
      {
        Key: keys.auditState(),
        UpdateExpression: 'SET days = :days, fix = :start, version = if_not_exists(version, :zero) + :one',
        ExpressionAttributeValues: { ':days': days, ':start': '', ':zero': 0, ':one': 1 },
      },
      { ...audit, action: 'audit.retention', target: 'audit-log', details: { days } },
    ),
  );
  return { message: 'Audit log retention policy updated successfully' };
}
