import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import { contractErrors } from '../support/crdb-contract';
import { call, client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let reader: ReturnType<typeof client>;
const nodes: Record<number, ReturnType<typeof client>> = {};
const ADMIN = { email: 'boot@roster.test', password: 'boot-password' };

beforeAll(async () => {
  rt = await startRuntime({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  c = await clusterClients(rt);
  reader = c.readonly;
  for (const nodeId of [1, 2, 3]) nodes[nodeId] = (await c.join(nodeId)).node;
  await nodes[2]!.put('/api/v1/leases/jobs:a', { ttlSeconds: 60 });
  for (let i = 0; i < 4; i++) await nodes[2]!.put('/api/v1/leases/jobs:hot', { ttlSeconds: 60 });
  await nodes[3]!.put('/api/v1/leases/jobs:b', { ttlSeconds: 60 });
});
afterAll(() => rt?.stop());

describe('the CockroachDB v2 surface', () => {
  it('lists members as nodes with every nodeStatus field, as the spec and Go struct have them', async () => {
    const all = await reader.get('/api/v2/nodes/');
    expect(all.status).toBe(200);
    expect(contractErrors('nodes', all.body)).toEqual([]);
    expect(all.body.nodes.map((n: any) => n.node_id)).toEqual([1, 2, 3]);
    expect(all.body.nodes[0]).toMatchObject({
      address: { network_field: 'tcp', address_field: '10.0.0.1:7000' },
      sql_address: { network_field: 'tcp', address_field: '10.0.0.1:5002' },
      ServerVersion: { major_val: 1, minor_val: 2, patch: 3, internal: 0 },
      build_tag: 'v1.2.3',
      cluster_name: '',
      liveness_status: 3,
      locality: { tiers: [] },
      num_cpus: 0,
      total_system_memory: 0,
    });
    expect(all.body.nodes[0].started_at).toBeGreaterThan(1e18);
    expect(all.body).not.toHaveProperty('next');
  });

  it('shows the machine a node reports at join and in its heartbeats', async () => {
    const token = await c.mint(7);
    const joined = await c.anonymous.post('/api/v1/cluster/join', {
      ...c.joinBody(token, 7),
      numCpus: 4,
      totalSystemMemory: 8_589_934_592,
    });
    expect(joined.status).toBe(201);
    const node = client(rt.url, { authorization: `Bearer ${joined.body.result.nodeToken}` });
    const seven = async () => (await reader.get('/api/v2/nodes/')).body.nodes.find((n: any) => n.node_id === 7);
    expect(await seven()).toMatchObject({ num_cpus: 4, total_system_memory: 8_589_934_592 });
    expect((await node.post('/api/v1/cluster/members/7/heartbeat', { numCpus: 16 })).status).toBe(200);
    expect(await seven()).toMatchObject({ num_cpus: 16, total_system_memory: 8_589_934_592 });
    expect((await node.post('/api/v1/cluster/members/7/heartbeat')).status).toBe(200);
    expect(await seven()).toMatchObject({ num_cpus: 16 });
    expect((await node.post('/api/v1/cluster/members/7/heartbeat', { numCpus: -1 })).status).toBe(400);
    expect((await node.post('/api/v1/cluster/members/7/heartbeat', { cpus: 2 })).status).toBe(400);
    expect((await c.admin.delete('/api/v1/cluster/members/7?force=true')).status).toBeLessThan(300);
  });

  it('pages nodes as CockroachDB: everything without a limit, an unusable limit or offset ignored, no next at the end', async () => {
    const ids = async (query: string) => {
      const res = await reader.get(`/api/v2/nodes/${query}`);
      expect(res.status).toBe(200);
      expect(contractErrors('nodes', res.body)).toEqual([]);
      return { ids: res.body.nodes.map((n: any) => n.node_id), next: res.body.next };
    };
    expect(await ids('?limit=2')).toEqual({ ids: [1, 2], next: 2 });
    expect(await ids('?limit=2&offset=2')).toEqual({ ids: [3], next: undefined });
    expect(await ids('?limit=2&offset=1')).toEqual({ ids: [2, 3], next: undefined });
    for (const ignored of [
      '?limit=0',
      '?limit=-3',
      '?limit=abc',
      '?limit=99999999999999999999',
      '?limit=0&offset=2',
      `?limit=${'9'.repeat(3000)}`,
    ]) {
      expect(await ids(ignored)).toEqual({ ids: [1, 2, 3], next: undefined });
    }
    expect(await ids('?limit=2&offset=oops')).toEqual({ ids: [1, 2], next: 2 });
    expect(await ids('?limit=2&offset=50')).toEqual({ ids: [], next: undefined });
  });

  it("lists a node's leases as ranges, filtered by ?ranges=, and finds one range by id", async () => {
    const res = await reader.get('/api/v2/nodes/2/ranges/');
    expect(contractErrors('node-ranges', res.body)).toEqual([]);
    const { ranges } = res.body;
    expect(ranges.map((r: any) => Buffer.from(r.desc.start_key, 'base64').toString())).toEqual(['jobs:a', 'jobs:hot']);
    expect(ranges[0]).toMatchObject({ source_node_id: 2, lease_history: [{ replica: { node_id: 2, store_id: 2 } }] });
    const id = ranges[1].desc.range_id;
    const only = await reader.get(`/api/v2/nodes/2/ranges/?ranges=${id},999999`);
    expect(only.body.ranges.map((r: any) => r.desc.range_id)).toEqual([id]);
    expect((await reader.get('/api/v2/nodes/2/ranges/?ranges=1,x')).status).toBe(400);
    const paged = await reader.get('/api/v2/nodes/2/ranges/?limit=1');
    expect(paged.body).toMatchObject({ next: 1 });
    expect(paged.body.ranges).toHaveLength(1);

    const one = await reader.get(`/api/v2/ranges/${id}/`);
    expect(contractErrors('range', one.body)).toEqual([]);
    expect(one.body.responses_by_node_id['2'].range_info.desc.range_id).toBe(id);
  });

  it('orders hot ranges by recent acquire and renew rate, in both spec shapes, with every node present', async () => {
    const res = await reader.get('/api/v2/ranges/hot/');
    expect(res.status).toBe(200);
    expect(contractErrors('hot-ranges', res.body)).toEqual([]);
    const hot = res.body;
    expect(Object.keys(hot.ranges_by_node_id).sort()).toEqual(['1', '2', '3']);
    expect(hot.ranges_by_node_id['1']).toEqual([]);
    const first = hot.ranges_by_node_id['2'][0];
    expect(Buffer.from(first.start_key, 'base64').toString()).toBe('jobs:hot');
    expect(first.queries_per_second).toBeGreaterThan(hot.ranges_by_node_id['3'][0].queries_per_second);
    expect(hot.ranges.map((r: any) => r.range_id)[0]).toBe(first.range_id);
    expect(hot.ranges[0]).toMatchObject({ node_id: 2, leaseholder_node_id: 2, store_id: 2 });
    expect(hot.ranges).toHaveLength(3);
    expect(hot).not.toHaveProperty('next');

    const paged = (await reader.get('/api/v2/ranges/hot/?limit=1')).body;
    expect(contractErrors('hot-ranges', paged)).toEqual([]);
    expect(paged.next).toBe('1');
    expect(paged.ranges).toHaveLength(1);
    expect(Object.values(paged.ranges_by_node_id).flat()).toHaveLength(1);
    expect(Object.keys(paged.ranges_by_node_id).sort()).toEqual(['1', '2', '3']);
    const rest = (await reader.get(`/api/v2/ranges/hot/?limit=5&start=${paged.next}`)).body;
    expect(rest.ranges).toHaveLength(2);
    expect(rest).not.toHaveProperty('next');
    expect((await reader.get('/api/v2/ranges/hot/?limit=1&start=garbage')).body.ranges[0].range_id).toBe(first.range_id);

    const mine = (await reader.get('/api/v2/ranges/hot/?node_id=3')).body;
    expect(Object.keys(mine.ranges_by_node_id)).toEqual(['3']);
    expect(mine.ranges).toHaveLength(1);
  });

  it('answers edge cases as CockroachDB does, and 404 where it would 500', async () => {
    const missing = await reader.get('/api/v2/ranges/999999/');
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ responses_by_node_id: {} });
    expect(contractErrors('range', missing.body)).toEqual([]);

    const unknownNode = await reader.get('/api/v2/nodes/42/ranges/');
    expect(unknownNode.status).toBe(404);
    expect(unknownNode.text).toBe('node 42 not found\n');
    expect((await reader.get('/api/v2/ranges/hot/?node_id=42')).status).toBe(404);

    const bad = await reader.get('/api/v2/nodes/local/ranges/');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe('CockroachDB sessions', () => {
  const form = (body: Record<string, string>) =>
    call(rt.url, 'POST', '/api/v2/login/', {
      body: new URLSearchParams(body).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('logs in with credentials in the query string, as a bare POST sends them', async () => {
    const login = await call(
      rt.url,
      'POST',
      `/api/v2/login/?username=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}`,
    );
    expect(login.status).toBe(200);
    expect(contractErrors('login', login.body)).toEqual([]);
    expect((await client(rt.url, { 'x-cockroach-api-session': login.body.session }).get('/api/v2/nodes/')).status).toBe(200);
    expect((await call(rt.url, 'POST', `/api/v2/login/?username=${encodeURIComponent(ADMIN.email)}&password=wrong`)).status).toBe(401);
    expect((await call(rt.url, 'POST', `/api/v2/login/?username=${encodeURIComponent(ADMIN.email)}&password=`)).status).toBe(401);
    const none = await call(rt.url, 'POST', '/api/v2/login/');
    expect(none.status).toBe(400);
    expect(none.text).toBe('username not specified\n');
    // Credentials in a URL are still never logged: the request log has the path alone.
    await new Promise((r) => setTimeout(r, 100));
    expect(rt.logs().join('\n')).not.toContain(ADMIN.password);
  });

  it('lists sessions in the shape Go decodes into serverpb.Session', async () => {
    const login = await form({ username: ADMIN.email, password: ADMIN.password });
    const session = client(rt.url, { 'x-cockroach-api-session': login.body.session });
    const list = await session.get('/api/v2/sessions/');
    expect(list.status).toBe(200);
    expect(contractErrors('sessions', list.body)).toEqual([]);
    const mine = list.body.sessions.find((s: any) => s.username === ADMIN.email);
    expect(mine.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Date.parse(mine.start)).toBeGreaterThan(Date.now() - 600_000);
    expect(mine.status).toBe(2);
    expect(JSON.stringify(list.body)).not.toContain('null');
    expect(list.body).not.toHaveProperty('next');
    const one = await session.get('/api/v2/sessions/?limit=1');
    expect(contractErrors('sessions', one.body)).toEqual([]);
    expect(one.body.sessions).toHaveLength(1);
    expect((await session.get('/api/v2/sessions/?limit=nope&start=nope')).status).toBe(200);
    expect((await session.get(`/api/v2/sessions/?limit=${'9'.repeat(2000)}`)).status).toBe(200);
    const everyone = await session.get('/api/v2/sessions/?username=');
    expect(everyone.body.sessions.length).toBe(list.body.sessions.length);
    expect((await session.get('/api/v2/sessions/?username=nobody@roster.test')).body.sessions).toEqual([]);
  });

  it('logs out as CockroachDB: 400 without a session or with an unknown one, 200 again for one already ended', async () => {
    const none = await call(rt.url, 'POST', '/api/v2/logout/');
    expect(none.status).toBe(400);
    expect(none.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await call(rt.url, 'POST', '/api/v2/logout/', { headers: { 'x-cockroach-api-session': 'never-issued' } })).status).toBe(400);

    const login = await form({ username: ADMIN.email, password: ADMIN.password });
    const session = { 'x-cockroach-api-session': login.body.session as string };
    const out = await call(rt.url, 'POST', '/api/v2/logout/', { headers: session });
    expect(out.status).toBe(200);
    expect(contractErrors('logout', out.body)).toEqual([]);
    expect(out.body).toEqual({ logged_out: true });
    expect((await client(rt.url, session).get('/api/v2/nodes/')).status).toBe(401);
    const other = (await form({ username: ADMIN.email, password: ADMIN.password })).body.session as string;
    const listed = await client(rt.url, { 'x-cockroach-api-session': other }).get('/api/v2/sessions/');
    const handle = (secret: string) => Buffer.from(createHash('sha256').update(secret).digest()).subarray(0, 16).toString('base64');
    expect(listed.body.sessions.map((s: any) => s.id)).toContain(handle(other));
    expect(listed.body.sessions.map((s: any) => s.id)).not.toContain(handle(login.body.session));
    const again = await call(rt.url, 'POST', '/api/v2/logout/', { headers: session });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ logged_out: true });
  });
});
