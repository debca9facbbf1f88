import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys, padId } from '../../lib/store/keys';
import { clusterClients } from '../support/cluster';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * #19.7 / #18.9: a table whose leases were written before they were sharded (every lease in
 * `LEASES`, every held one in the index partition `HELD`) is moved by the one-off migration:
 * a run that crashes part-way and the runs after it lose nothing and duplicate nothing, a
 * lease renewed (even taken) by the old code while the move is under way arrives as it was
 * last written, and fencing tokens go on from where they were.
 */
let proxy: FaultProxy;
let rt: Runtime;
let db: DynamoDBDocumentClient;
const table = () => rt.env.TABLE_NAME!;
const run = promisify(execFile);

beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamodbEndpoint'));
  rt = await startRuntime({ DYNAMODB_ENDPOINT: proxy.endpoint, ROSTER_WATCHER_INTERVAL_SECONDS: '3600' });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
});
afterAll(async () => {
  db?.destroy();
  await rt?.stop();
  await proxy?.close();
});

/**
 * One run of the deployed migrate bundle in a process of its own, through the fault proxy (the
 * runtime's env names it). Asynchronous: the proxy lives in this process and must keep answering.
 */
async function invokeMigrate(event: unknown = {}): Promise<Record<string, any>> {
  const bundle = join(inject('distDir'), 'functions', 'migrate.mjs');
  const script = `import(${JSON.stringify(bundle)}).then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: 'migrate-leases-test' })).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...process.env, ...rt.env }, encoding: 'utf8' });
  return JSON.parse(stdout.slice(stdout.indexOf('RESULT ') + 7));
}

const scanAll = async () => (await db.send(new ScanCommand({ TableName: table(), ConsistentRead: true }))).Items ?? [];
const isLease = (i: Record<string, unknown>) => String(i.SK).startsWith(keys.leasePrefix);
const at = async (key: Record<string, string>) =>
  (await db.send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item;

/** Puts every lease back where the code before the sharding kept it: one partition, one index partition. */
async function downgrade() {
  for (const item of (await scanAll()).filter(isLease)) {
    const old = {
      ...item,
      PK: 'LEASES',
      ...(item.holder === undefined ? {} : { GSI1PK: 'HELD', GSI1SK: `${padId(Number(item.holder))}#${item.name}` }),
    };
    await db.send(new PutCommand({ TableName: table(), Item: old }));
    await db.send(new DeleteCommand({ TableName: table(), Key: { PK: item.PK, SK: item.SK } }));
  }
}

const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'golf', 'zulu'];

describe('the one-off move of the leases to their shards', () => {
  it('moves every lease whole, through a crash and a renewal by the old code, and then does nothing again', async () => {
    const c = await clusterClients(rt);
    const nodes = await Promise.all([1, 2, 3].map((id) => c.join(id)));
    const [n1, n2, n3] = [nodes[0]!.node, nodes[1]!.node, nodes[2]!.node];
    for (const [i, name] of NAMES.entries()) {
      const res = await (i % 2 === 0 ? n1 : n2).put(`/api/v1/leases/${name}`, { ttlSeconds: 600 });
      expect(res.status, res.text).toBe(200);
    }
    const golf = (await n2.get('/api/v1/leases/golf')).body.result;
    expect((await n2.delete(`/api/v1/leases/golf?fencingToken=${golf.fencingToken}`)).status).toBe(200);
    const before = (await c.readonly.get('/api/v1/leases')).body.result.items as { name: string; fencingToken: number; rangeId: number }[];
    expect(before.map((l) => l.name)).toEqual(NAMES);
    const token = (name: string) => before.find((l) => l.name === name)!.fencingToken;

    await downgrade();
    expect((await scanAll()).filter((i) => i.PK === 'LEASES')).toHaveLength(NAMES.length);
    const node2Hash = (await at(keys.legacyLease('bravo')))!.holderCredentialHash;
    // What an upgraded stack shows before the migration: no lease, a holder's renewal 404, no second holder for an unmoved name.
    expect((await c.readonly.get('/api/v1/leases')).body.result.items).toEqual([]);
    expect((await n1.put('/api/v1/leases/alpha', { ttlSeconds: 600, fencingToken: token('alpha') })).status).toBe(404);
    const second = await n3.put('/api/v1/leases/golf', { ttlSeconds: 600 });
    expect(second.status, second.text).toBe(409);
    expect(second.headers.get('retry-after')).toBe('5');
    expect(await at(keys.lease('golf'))).toBeUndefined();
    // A name that never existed is created as before.
    expect((await n3.put('/api/v1/leases/foxtrot', { ttlSeconds: 600 })).status).toBe(200);

    // The first run crashes part-way: its fourth move fails for good, after three went through (one in a page not yet recorded).
    let moves = 0;
    proxy.set((op) => (op === 'TransactWriteItems' && ++moves > 3 ? 'serverError' : undefined));
    await expect(invokeMigrate({ pageSize: 2 })).rejects.toThrow();
    proxy.set();
    const halfway = await scanAll();
    expect(halfway.filter((i) => i.PK === 'LEASES').length).toBe(NAMES.length - 3);
    expect(halfway.filter((i) => isLease(i) && i.PK !== 'LEASES' && i.name !== 'foxtrot').length).toBe(3);

    // The old code, still finishing a request, renews zulu and hands echo to node 2 at its old key.
    const later = Date.now() + 900_000;
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.legacyLease('zulu'),
        UpdateExpression: 'SET leaseExpiresAt = :later, renewedAt = :now',
        ExpressionAttributeValues: { ':later': later, ':now': Date.now() },
      }),
    );
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.legacyLease('echo'),
        UpdateExpression: 'SET holder = :two, holderCredentialHash = :hash, fencingToken = :token, GSI1SK = :sk',
        ExpressionAttributeValues: { ':two': 2, ':hash': node2Hash, ':token': token('echo') + 1, ':sk': `${padId(2)}#echo` },
      }),
    );

    let report = await invokeMigrate({ budgetMs: 1, pageSize: 2 });
    for (let i = 0; i < 50 && !report.done; i++) report = await invokeMigrate({ pageSize: 2 });
    expect(report.done).toBe(true);
    // The crashed run's last page was never recorded, so its one move is not counted; none is counted twice.
    expect(report.leasesSharded).toBeGreaterThanOrEqual(NAMES.length - 1);
    expect(report.leasesSharded).toBeLessThanOrEqual(NAMES.length);

    const after = await scanAll();
    expect(after.filter((i) => i.PK === 'LEASES' || i.GSI1PK === 'HELD')).toEqual([]);
    for (const name of NAMES) {
      const lease = (await at(keys.lease(name)))!;
      expect(lease, name).toBeDefined();
      expect(
        after.filter((i) => i.name === name && isLease(i)),
        name,
      ).toHaveLength(1);
      // The range pointer still finds it.
      expect((await at(keys.range(Number(lease.rangeId))))?.name).toBe(name);
      if (lease.holder !== undefined) expect(lease).toMatchObject(keys.heldLease(Number(lease.holder), name));
    }
    expect((await at(keys.lease('zulu')))!.leaseExpiresAt).toBe(later);
    expect(await at(keys.lease('echo'))).toMatchObject({ holder: 2, fencingToken: token('echo') + 1 });

    // Every reader finds them again, tokens and range ids as they were.
    const listed = (await c.readonly.get('/api/v1/leases?limit=3')).body.result;
    expect(listed.items.map((l: { name: string }) => l.name)).toEqual(['alpha', 'bravo', 'charlie']);
    const rest = (await c.readonly.get(`/api/v1/leases?limit=100&after=${listed.next}`)).body.result.items;
    expect([...listed.items, ...rest].map((l: { name: string; rangeId: number }) => [l.name, l.rangeId])).toEqual(
      [...NAMES.slice(0, 3), 'delta', 'echo', 'foxtrot', 'golf', 'zulu'].map((n) => [
        n,
        n === 'foxtrot' ? expect.any(Number) : before.find((l) => l.name === n)!.rangeId,
      ]),
    );
    const renewed = await n1.put('/api/v1/leases/alpha', { ttlSeconds: 600, fencingToken: token('alpha') });
    expect(renewed.status, renewed.text).toBe(200);
    expect(renewed.body.result.fencingToken).toBe(token('alpha'));
    const heldBy = async (node: number) =>
      ((await c.readonly.get(`/api/v1/leases?nodeId=${node}`)).body.result.items as { name: string }[]).map((l) => l.name);
    expect(await heldBy(1)).toEqual(['alpha', 'charlie', 'zulu']);
    expect(await heldBy(2)).toEqual(['bravo', 'delta', 'echo']);
    const range = (await c.readonly.get(`/api/v2/ranges/${before.find((l) => l.name === 'charlie')!.rangeId}/`)).body;
    expect(range.responses_by_node_id['1'].range_info.desc.range_id).toBe(before.find((l) => l.name === 'charlie')!.rangeId);
    // The released lease is free at its shard, and its next holder's token goes on past the old one.
    const taken = await n3.put('/api/v1/leases/golf', { ttlSeconds: 600 });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.body.result.fencingToken).toBeGreaterThan(token('golf'));

    // Once done, it does nothing again.
    const settled = JSON.stringify(await scanAll());
    expect(await invokeMigrate()).toEqual(report);
    expect(JSON.stringify(await scanAll())).toBe(settled);
  }, 240_000);
});
