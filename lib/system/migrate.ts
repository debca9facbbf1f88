import { ScanCommand, UpdateCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { userOf } from '../audit/audit';
import { reserveLegacyPeerUrls } from '../cluster/member-store';
import { newUserId } from '../identity/user-store';
import type { Logger } from '../log';
import { documents, TABLE } from '../store/client';
import { conditionFailure } from '../store/conditions';
import { keys } from '../store/keys';
import { moveLegacyClient, shardClients } from './migrate-clients';
import { shardLeases } from './migrate-leases';
import { shardMembers } from './migrate-members';

/**
 * The one-off upgrade of a table written before this round's item shapes, run once by the
 * `migrate` function (as the bootstrap is). Idempotent: every step is a conditional write
 * that does nothing to an item already in the new shape. Resumable: it records the scan's
 * position after each page, so a run cut short by the Lambda timeout goes on where it
 * stopped. Two phases, since API tokens need their owner's user id:
 *   1. users get the id minted at creation they never had;
 *   2. API tokens name that id (and move to its index partition), audit entries gain their
 *      user and action indexes, members reserve their peer URLs, and a client the clients'
 *      move (./migrate-clients.ts) could not find moves to its shard: a tombstone in a
 *      namespace that has nothing but tombstones, which the old client index does not name.
 */
const MIGRATION = 'round-3';
const progressKey = { PK: 'MIGRATION', SK: MIGRATION };

type Item = Record<string, unknown>;
export interface MigrationReport {
  done: boolean;
  phase: 1 | 2;
  users: number;
  apiTokens: number;
  auditEntries: number;
  members: number;
  /** Members whose peer URL another member already holds (as etcd would refuse): left to an operator. */
  peerUrlClashes: number[];
  /** Clients (tombstones) the scan found still at their legacy keys and moved. */
  clientsLeftOver?: number;
}

/**
 * The migrations in order: the members' move to their shards (./migrate-members.ts) first,
 * since this round's member step reads them there; the leases' move to theirs
 * (./migrate-leases.ts); the clients' move to theirs (./migrate-clients.ts), which nothing
 * else waits for; then this round's two phases.
 */
export async function migrate(
  log: Logger,
  budgetMs = 50_000,
  pageSize = 100,
): Promise<
  MigrationReport & { membersSharded: number; voterPins: number; leasesSharded: number; clientsSharded: number; clientsStale: number }
> {
  const started = Date.now();
  const sharding = await shardMembers(log, started + budgetMs, pageSize);
  const leases = await shardLeases(log, sharding.done ? started + budgetMs : 0, pageSize);
  const clients = await shardClients(log, started + budgetMs, pageSize);
  const round = sharding.done && leases.done ? await migrateRound(log, started, budgetMs, pageSize) : await savedRound();
  return {
    ...round,
    done: round.done && sharding.done && leases.done && clients.done,
    membersSharded: sharding.moved,
    voterPins: sharding.pinned,
    leasesSharded: leases.moved,
    clientsSharded: clients.moved,
    clientsStale: clients.stale,
  };
}

const blankRound = (): MigrationReport => ({
  done: false,
  phase: 1,
  users: 0,
  apiTokens: 0,
  auditEntries: 0,
  members: 0,
  peerUrlClashes: [],
});

async function savedRound(): Promise<MigrationReport> {
  const { Item: saved } = await documents.send(new GetCommand({ TableName: TABLE, Key: progressKey, ConsistentRead: true }));
  return (saved?.report as MigrationReport | undefined) ?? blankRound();
}

async function migrateRound(log: Logger, started: number, budgetMs: number, pageSize: number): Promise<MigrationReport> {
  const { Item: saved } = await documents.send(new GetCommand({ TableName: TABLE, Key: progressKey, ConsistentRead: true }));
  const report: MigrationReport = (saved?.report as MigrationReport | undefined) ?? blankRound();
  if (report.done) return report;
  let start = saved?.lastKey as Item | undefined;
  while (Date.now() - started < budgetMs) {
    const page = await documents.send(
      new ScanCommand({ TableName: TABLE, ConsistentRead: true, Limit: pageSize, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) await (report.phase === 1 ? migrateUser(item, report) : migrateOther(item, report));
    start = page.LastEvaluatedKey;
    if (!start) {
      if (report.phase === 2) report.done = true;
      else report.phase = 2;
    }
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...progressKey, report, ...(start ? { lastKey: start } : {}) } }));
    log.info('migration page', { phase: report.phase, done: report.done });
    if (report.done) break;
  }
  return report;
}

const isUser = (i: Item) => i.PK === 'USERS' && String(i.SK).startsWith('USER#');

async function migrateUser(item: Item, report: MigrationReport): Promise<void> {
  if (!isUser(item) || typeof item.userId === 'string') return;
  const done = await conditional(
    new UpdateCommand({
      TableName: TABLE,
      Key: { PK: item.PK, SK: item.SK },
      UpdateExpression: 'SET userId = :id',
      // Once: a user that has an id (migrated, or created since) keeps it.
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(userId)',
      ExpressionAttributeValues: { ':id': newUserId() },
    }),
  );
  if (done) report.users++;
}

async function migrateOther(item: Item, report: MigrationReport): Promise<void> {
  const pk = String(item.PK);
  if (pk.startsWith('APITOKEN#') && typeof item.userId !== 'string' && typeof item.email === 'string') {
    const { Item: owner } = await documents.send(new GetCommand({ TableName: TABLE, Key: keys.user(item.email), ConsistentRead: true }));
    // A token whose owner is gone stays refused as it is: nothing to bind it to.
    if (typeof owner?.userId !== 'string') return;
    const done = await conditional(
      new UpdateCommand({
        TableName: TABLE,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'SET userId = :id, GSI1PK = :pk',
        // Once, and only the token read: one deleted since is not recreated.
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(userId)',
        ExpressionAttributeValues: { ':id': owner.userId, ':pk': keys.apiTokensOf(owner.userId) },
      }),
    );
    if (done) report.apiTokens++;
  } else if (pk.startsWith('AUDIT#') && item.GSI2PK === undefined && typeof item.actor === 'string' && typeof item.action === 'string') {
    const indexes = keys.auditIndexes(String(item.SK), userOf(item.actor), item.action);
    const done = await conditional(
      new UpdateCommand({
        TableName: TABLE,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'SET GSI1PK = :g1, GSI1SK = :s1, GSI2PK = :g2, GSI2SK = :s2, GSI3PK = :g3, GSI3SK = :s3',
        // Only an entry that still exists (the TTL may have taken it) and lacks its indexes.
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(GSI2PK)',
        ExpressionAttributeValues: {
          ':g1': indexes.GSI1PK,
          ':s1': indexes.GSI1SK,
          ':g2': indexes.GSI2PK,
          ':s2': indexes.GSI2SK,
          ':g3': indexes.GSI3PK,
          ':s3': indexes.GSI3SK,
        },
      }),
    );
    if (done) report.auditEntries++;
  } else if (pk.startsWith('MEMBERS#') && String(item.SK).startsWith(keys.memberPrefix) && typeof item.nodeId === 'number') {
    await reserveMemberUrls(item, report);
  } else if (keys.isLegacyClient(item) && (await moveLegacyClient(item)) === 'moved') {
    report.clientsLeftOver = (report.clientsLeftOver ?? 0) + 1;
  }
}

/** A member written before peer URLs were unique: its URLs on the item, and their reservations. */
async function reserveMemberUrls(item: Item, report: MigrationReport): Promise<void> {
  const nodeId = item.nodeId as number;
  const stored = Array.isArray(item.peerURLs) ? (item.peerURLs as string[]) : [];
  const urls = stored.length > 0 ? stored : typeof item.raftAddress === 'string' ? [`https://${item.raftAddress}`] : [];
  if (urls.length === 0) return;
  const reserved = await reserveLegacyPeerUrls(nodeId, urls);
  if (reserved.kind === 'done') report.members++;
  if (reserved.kind === 'clash') report.peerUrlClashes.push(nodeId);
}

/** True when the write was made, false when its condition said it was not needed. */
async function conditional(command: UpdateCommand): Promise<boolean> {
  try {
    await documents.send(command);
    return true;
  } catch (err) {
    if (conditionFailure(err)) return false;
    throw err;
  }
}
