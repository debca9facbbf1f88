import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type * as MoveStore from '../../lib/clients/client-move-store';
import { keys } from '../../lib/store/keys';
import type { shardClients as ShardClients } from '../../lib/system/migrate-clients';
import { accessToken, bearer } from '../support/auth';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let db: DynamoDBDocumentClient;
let admin: ReturnType<typeof client>;
const table = () => rt.env.TABLE_NAME!;
let move: typeof MoveStore;
let shardClients: typeof ShardClients;

beforeAll(async () => {
  rt = await startRuntime();
  admin = client(rt.url, bearer(await accessToken(rt, 'admin')));
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  // The migration's own modules, in this process, on the runtime's table (they read it from the environment at import).
  process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
  process.env.TABLE_NAME = table();
  move = await import('../../lib/clients/client-move-store');
  shardClients = (await import('../../lib/system/migrate-clients')).shardClients;
});
afterAll(() => rt?.stop());

function invokeMigrate(event: unknown = {}): Record<string, any> {
  const bundle = join(inject('distDir'), 'functions', 'migrate.mjs');
  const script = `import(${JSON.stringify(bundle)}).then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: 'migrate-test' })).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...rt.env }, encoding: 'utf8' });
  return JSON.parse(out.slice(out.indexOf('RESULT ') + 7));
}

const scanAll = async () => (await db.send(new ScanCommand({ TableName: table(), ConsistentRead: true }))).Items ?? [];
const ns = (namespace: string, rest = '') => `/api/core/v2/namespaces/${namespace}/clients${rest}`;
const names = (body: { name: string }[]) => body.map((c) => c.name);
const isShardedClient = (item: Record<string, unknown>) => /^CLIENTS#[^#]+#\d+$/.test(String(item.PK));
const isLegacyClient = (item: Record<string, unknown>) => /^CLIENTS#[^#]+$/.test(String(item.PK));
const legacyKey = (namespace: string, name: string) => ({ PK: keys.legacyClientsOf(namespace), SK: `CLIENT#${name}` });

/**
 * Puts the clients back where the code before the sharding wrote them: one partition per
 * namespace (`CLIENTS#<ns>`), live clients in the one index partition (GSI1 `CLIENTS`),
 * tombstones unindexed. (Items made through today's API, at yesterday's keys.)
 */
async function downgrade() {
  for (const item of await scanAll()) {
    if (!isShardedClient(item)) continue;
    const legacy: Record<string, unknown> = { ...item, PK: keys.legacyClientsOf(String(item.namespace)) };
    if (item.GSI1PK !== undefined) legacy.GSI1PK = keys.legacyClientIndexPartition;
    await db.send(new PutCommand({ TableName: table(), Item: legacy }));
    await db.send(new DeleteCommand({ TableName: table(), Key: { PK: item.PK, SK: item.SK } }));
  }
}

/** A logger that stops the run (as a crash or the Lambda timeout would) after `pages` pages were recorded. */
const crashAfter = (pages: number) => {
  let left = pages;
  const quiet = () => {};
  return {
    info: () => {
      if (--left === 0) throw new Error('crash');
    },
    warn: quiet,
    error: quiet,
  };
};

describe('the move of the clients to their shards', () => {
  it('moves clients and tombstones of every namespace, one of tombstones alone included; resumable, idempotent, newest state kept', async () => {
    const defaults = ['app-01', 'app-02', 'db-01', 'db-02', 'web-01', 'web-02', 'web-03'];
    for (const name of defaults) expect((await admin.post('/clients', { name, address: `10.0.0.${name.length}` })).status).toBe(201);
    for (const name of ['api-1', 'api-2', 'api-3']) expect((await admin.post(ns('team-a'), { name })).status).toBe(201);
    expect((await admin.post(ns('team-b'), { name: 'solo', password: 'hidden' })).status).toBe(201);
    expect((await admin.post('/clients', { name: 'banned' })).status).toBe(201);
    expect((await admin.delete('/clients/banned?invalidate=true&invalidate_expire=3600')).status).toBe(202);
    expect((await admin.post('/clients', { name: 'kept' })).status).toBe(201);
    // A namespace left with nothing but a tombstone: the old index does not name it.
    expect((await admin.post(ns('team-c'), { name: 'ghost' })).status).toBe(201);
    expect((await admin.delete(ns('team-c', '/ghost?invalidate=true&invalidate_expire=3600'))).status).toBe(202);

    await downgrade();
    // What an upgraded stack shows before the migration: nothing, and keepalives find no client.
    expect((await admin.get('/clients')).body).toEqual([]);
    expect((await admin.get('/api/core/v2/clients')).body).toEqual([]);
    expect((await admin.post('/clients/web-01/keepalive')).status).toBe(404);
    // The new code registers `kept` again (at its shard's key) before the migration reaches it: that one is the newer.
    expect((await admin.post('/clients', { name: 'kept', environment: 'new' })).status).toBe(201);

    // The old code keeps a client alive between the migration's read and its move: the move takes the newer image.
    const [stale] = (await move.legacyClients('team-a', 1)).items;
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: legacyKey('team-a', 'api-1'),
        UpdateExpression: 'SET #ts = :ts',
        ExpressionAttributeNames: { '#ts': 'timestamp' },
        ExpressionAttributeValues: { ':ts': 1_999_999_999 },
      }),
    );
    const changed = await move.moveToShard(stale!);
    expect(changed).toMatchObject({ kind: 'changed', current: { name: 'api-1', timestamp: 1_999_999_999 } });
    expect((await db.send(new GetCommand({ TableName: table(), Key: keys.client('team-a', 'api-1') }))).Item).toBeUndefined();

    // Runs cut short after one page, then two: what they moved stays moved, nothing twice.
    await expect(shardClients(crashAfter(1), Date.now() + 60_000, 2)).rejects.toThrow('crash');
    await expect(shardClients(crashAfter(2), Date.now() + 60_000, 2)).rejects.toThrow('crash');
    // Three pages of two in `default` (app-01 … kept, by name): five moved beside the new `kept`, kept's old copy dropped.
    const midway = await scanAll();
    expect(midway.filter(isShardedClient)).toHaveLength(6);
    expect(midway.filter((i) => isLegacyClient(i))).toHaveLength(14 - 6);
    expect(invokeMigrate({ budgetMs: 1 }).done).toBe(false);
    let report = invokeMigrate({ pageSize: 2 });
    for (let i = 0; i < 20 && !report.done; i++) report = invokeMigrate({ pageSize: 2 });
    // 7 + 3 + 1 clients and the tombstone moved, `kept`'s old copy dropped; team-c's tombstone found by the round's scan.
    expect(report).toMatchObject({ done: true, clientsSharded: 12, clientsStale: 1, clientsLeftOver: 1 });

    const after = await scanAll();
    expect(after.filter(isLegacyClient)).toEqual([]);
    expect(after.filter((i) => i.GSI1PK === keys.legacyClientIndexPartition)).toEqual([]);
    expect(after.filter(isShardedClient)).toHaveLength(14);
    expect(names((await admin.get('/clients')).body)).toEqual([...defaults.slice(0, 4), 'kept', ...defaults.slice(4)]);
    expect((await admin.get('/clients/kept')).body.environment).toBe('new');
    expect((await admin.get(ns('team-a', '/api-1'))).body.timestamp).toBe(1_999_999_999);
    expect((await admin.get(ns('team-b', '/solo'))).body.password).toBe('REDACTED');
    const every = (await admin.get('/api/core/v2/clients?limit=5&offset=6')).body as { namespace: string; name: string }[];
    expect(every.map((c) => `${c.namespace}/${c.name}`)).toEqual([
      'default/web-02',
      'default/web-03',
      'team-a/api-1',
      'team-a/api-2',
      'team-a/api-3',
    ]);
    expect((await admin.post('/clients/web-01/keepalive')).status).toBe(200);
    // The tombstone still refuses the client until its time.
    expect((await admin.post('/clients', { name: 'banned' })).status).toBe(409);
    expect((await admin.post(ns('team-c'), { name: 'ghost' })).status).toBe(409);

    // Once done, it does nothing again.
    const before = JSON.stringify(await scanAll());
    expect(invokeMigrate()).toEqual(report);
    expect(JSON.stringify(await scanAll())).toBe(before);
  }, 180_000);
});
