import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { ensureTable } from '../../infra/local/table';

/**
 * The audit log's bookkeeping against DynamoDB Local in this process, on a fake clock:
 * entries are written at chosen times, and the watcher's audit pass is run at chosen
 * times. The code reads its table from the environment at import, so that is set first.
 */
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `audit-${randomBytes(4).toString('hex')}`;

const { documents, TABLE } = await import('../../lib/store/client');
const { recordAudit } = await import('../../lib/audit/audit');
const { auditPass } = await import('../../lib/audit/maintenance');
const { listAuditLogs, setRetention } = await import('../../lib/audit/log');
const { readAuditState, EXPIRY_GRACE_SECONDS } = await import('../../lib/audit/state');

const DAY = 86_400_000;
/** The real time: a retention change writes its own entry at the real time, just after this. */
const NOW = Date.now();
const ages = { old: 100 * DAY, month: 50 * DAY, week: 10 * DAY, hour: 3_600_000 };

beforeAll(async () => {
  const client = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await ensureTable(client, TABLE);
  client.destroy();
  for (const [name, age] of Object.entries(ages)) {
    await recordAudit({ actor: 'user:a@roster.test', action: 'test.write', target: name, requestId: `req-${name}` }, NOW - age);
  }
  // Written at the pass's own moment: not settled yet, so only reads count it.
  await recordAudit({ actor: 'user:a@roster.test', action: 'test.write', target: 'now', requestId: 'req-now' }, NOW);
});

const page = (now: number) => listAuditLogs({ page: 1, perPage: 100 }, now);
/** The test's own entries, through the action index. */
const targets = async (now: number) =>
  (await listAuditLogs({ page: 1, perPage: 100, action: 'test.write' }, now)).items.map((i) => i.details);

async function expiryOfTarget(target: string): Promise<number> {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      FilterExpression: 'target = :t',
      ExpressionAttributeValues: { ':pk': 'AUDIT', ':t': target },
    }),
  );
  expect(Items).toHaveLength(1);
  return Number(Items[0]!.expiresAt);
}

const expected = (age: number, days: number) => Math.floor((NOW - age) / 1000) + days * 86_400 + EXPIRY_GRACE_SECONDS;

describe('audit log bookkeeping', () => {
  it('counts the window without a pass, then from the maintained count, the same', async () => {
    expect(await targets(NOW)).toEqual(['now', 'hour', 'week', 'month']);
    expect((await page(NOW)).total_count).toBe(4);
    const report = await auditPass(NOW);
    expect(report).toMatchObject({ counted: 3, expiriesMoved: 0, saved: true });
    const state = await readAuditState(true);
    expect(state).toMatchObject({ days: 90, count: 3, version: 1 });
    expect((await page(NOW)).total_count).toBe(4);
    // A pass over nothing new changes nothing but the window's edge.
    expect(await auditPass(NOW)).toMatchObject({ counted: 0, saved: true });
    expect((await page(NOW)).total_count).toBe(4);
  });

  it('applies a shorter retention to reads at once, and to the entries’ expiry on the next pass', async () => {
    await setRetention(30, { actor: 'user:a@roster.test', requestId: 'req-retention' });
    const after = NOW + 1000;
    expect(await targets(after)).toEqual(['now', 'hour', 'week']);
    // The retention change is an entry of its own.
    expect((await page(after)).total_count).toBe(4);
    expect(await expiryOfTarget('week')).toBe(expected(ages.week, 90));

    const report = await auditPass(after);
    expect(report.saved).toBe(true);
    // The month-, week- and hour-old entries (the 100-day-old one too, unless the emulator's TTL removed it already).
    expect(report.expiriesMoved).toBeGreaterThanOrEqual(3);
    expect(await expiryOfTarget('week')).toBe(expected(ages.week, 30));
    expect(await expiryOfTarget('month')).toBe(expected(ages.month, 30));
    expect((await readAuditState(true)).fix).toBeUndefined();
    expect((await page(after)).total_count).toBe(4);
  });

  it('never brings back an entry whose expiry has passed when the retention grows again', async () => {
    await setRetention(365, { actor: 'user:a@roster.test', requestId: 'req-retention-2' });
    const later = NOW + 2000;
    // The month-old entry expired under the 30 days; the 100-day-old one under the default.
    expect(await targets(later)).toEqual(['now', 'hour', 'week']);
    expect((await page(later)).total_count).toBe(5);
    await auditPass(later);
    expect((await page(later)).total_count).toBe(5);
    expect(await expiryOfTarget('week')).toBe(expected(ages.week, 365));
  });

  it('restarts the expiry walk from the oldest entry on a retention change, under a new version that stale passes lose to', async () => {
    const before = await readAuditState(true);
    await setRetention(365, { actor: 'user:a@roster.test', requestId: 'req-retention-3' });
    const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: { PK: 'AUDIT', SK: 'STATE' }, ConsistentRead: true }));
    expect(Item!.version).toBe(before.version + 1);
    expect(Item!.fix).toBe('');
    expect((await page(NOW + 3000)).total_count).toBe(6);
  });
});
