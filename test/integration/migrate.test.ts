import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canonicalPeerUrl } from '../../lib/cluster/rules';
import { keys } from '../../lib/store/keys';
import { clusterClients } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let db: DynamoDBDocumentClient;
const table = () => rt.env.TABLE_NAME!;

beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: 'admin@roster.test', ADMIN_PASSWORD: 'admin-password' });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
});
afterAll(() => rt?.stop());

function invokeMigrate(event: unknown = {}): Record<string, any> {
  const bundle = join(inject('distDir'), 'functions', 'migrate.mjs');
  const script = `import(${JSON.stringify(bundle)}).then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: 'migrate-test' })).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...rt.env }, encoding: 'utf8' });
  return JSON.parse(out.slice(out.indexOf('RESULT ') + 7));
}

const login = (email: string, password: string) => client(rt.url).post('/api/v1/auth/login', { email, password });
const scanAll = async () => (await db.send(new ScanCommand({ TableName: table(), ConsistentRead: true }))).Items ?? [];

/**
 * Puts the table back in the shapes the code before this round wrote: users without an id,
 * API tokens indexed by email, audit entries without their user and action indexes, members
 * without peer URLs on the item or their reservations. (Items made through today's API, less
 * what the earlier code did not write.)
 */
async function downgrade() {
  for (const item of await scanAll()) {
    const key = { PK: item.PK, SK: item.SK };
    if (item.PK === 'USERS') {
      await db.send(new UpdateCommand({ TableName: table(), Key: key, UpdateExpression: 'REMOVE userId' }));
    } else if (String(item.PK).startsWith('APITOKEN#')) {
      await db.send(
        new UpdateCommand({
          TableName: table(),
          Key: key,
          UpdateExpression: 'REMOVE userId SET GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': `APITOKENS#${item.email}` },
        }),
      );
    } else if (String(item.PK).startsWith('AUDIT#')) {
      await db.send(
        new UpdateCommand({ TableName: table(), Key: key, UpdateExpression: 'REMOVE GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK' }),
      );
    } else if (String(item.PK).startsWith('MEMBERS#') && String(item.SK).startsWith('MEMBER#')) {
      // Members lived in the cluster partition, without their peer URLs on the item.
      await db.send(new PutCommand({ TableName: table(), Item: { ...item, PK: 'CLUSTER', peerURLs: [] } }));
      await db.send(new DeleteCommand({ TableName: table(), Key: key }));
    } else if (item.PK === 'CLUSTER' && item.SK === 'META') {
      // The cluster item kept no voters' pins.
      const pins = Object.keys(item).filter((k) => k.startsWith('pin_'));
      if (pins.length) await db.send(new UpdateCommand({ TableName: table(), Key: key, UpdateExpression: `REMOVE ${pins.join(', ')}` }));
    } else if (String(item.PK).startsWith('PEERURL#')) {
      await db.send(new DeleteCommand({ TableName: table(), Key: key }));
    }
  }
}

describe('the one-off migration of a table written before this round', () => {
  it('brings back logins, API tokens, audit filters and peer URL uniqueness; resumable and idempotent', async () => {
    const c = await clusterClients(rt);
    const adminToken = (await login('admin@roster.test', 'admin-password')).body.result.token;
    const admin = client(rt.url, { authorization: `Bearer ${adminToken}` });
    expect((await admin.post('/api/v1/users', { email: 'old@roster.test', password: 'old-password', role_id: 3 })).status).toBe(201);
    const old = client(rt.url, { authorization: `Bearer ${(await login('old@roster.test', 'old-password')).body.result.token}` });
    const apiToken = (await old.post('/api/v1/users/me/api-tokens', { name: 'ci', expires_at: '' })).body.result.token as string;
    await c.join(1);
    const raft = (await admin.get('/api/v1/cluster/members/1')).body.result.raftAddress as string;

    await downgrade();
    // What users of an upgraded stack would see without the migration.
    expect((await login('old@roster.test', 'old-password')).status).toBe(401);
    expect((await client(rt.url, { authorization: `Bearer ${apiToken}` }).get('/api/v1/users/me')).status).toBe(401);
    const reserved = await db.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.peerUrl(canonicalPeerUrl(`https://${raft}`)).PK },
      }),
    );
    expect(reserved.Items).toEqual([]);
    // The members are in the cluster partition, where today's code does not look.
    expect((await admin.get('/api/v1/cluster/members')).body.result).toEqual([]);

    // A run cut short goes on where it stopped.
    const first = invokeMigrate({ budgetMs: 1, pageSize: 2 });
    expect(first.done).toBe(false);
    let report = first;
    for (let i = 0; i < 200 && !report.done; i++) report = invokeMigrate({ pageSize: 5 });
    expect(report).toMatchObject({ done: true, users: 2, apiTokens: 1, members: 1, peerUrlClashes: [], membersSharded: 1, voterPins: 1 });
    // The member is back, at its shard's key, and a join pins the voter again from the cluster item.
    expect((await admin.get('/api/v1/cluster/members')).body.result.map((m: { nodeId: number }) => m.nodeId)).toEqual([1]);
    expect(
      (
        await db.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.member(1).PK },
          }),
        )
      ).Items,
    ).toHaveLength(1);
    const second = await c.join(2);
    expect(second.answer.pins).toEqual([second.answer.leaderFingerprint]);
    expect(report.auditEntries).toBeGreaterThan(0);

    expect((await login('old@roster.test', 'old-password')).status).toBe(200);
    const viaToken = client(rt.url, { authorization: `Bearer ${apiToken}` });
    expect((await viaToken.get('/api/v1/users/me')).body.result.email).toBe('old@roster.test');
    expect((await viaToken.get('/api/v1/users/me/api-tokens')).body.result.items.map((t: { name: string }) => t.name)).toEqual(['ci']);
    const joins = await admin.get('/api/v1/logs/audit?action=member.join');
    expect(joins.body.result.items.length).toBeGreaterThan(0);
    const clash = await admin.post(`/api/core/v2/cluster/members?peer-addrs=https://${raft}`);
    expect(clash.status).toBe(409);

    // Once done, it does nothing again.
    const before = JSON.stringify(await scanAll());
    expect(invokeMigrate()).toEqual(report);
    expect(JSON.stringify(await scanAll())).toBe(before);
  }, 180_000);
});
