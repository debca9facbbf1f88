import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import type { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let reader: ReturnType<typeof client>;
const nodes: Record<number, ReturnType<typeof client>> = {};

beforeAll(async () => {
  rt = await startRuntime();
  const c = await clusterClients(rt);
  reader = c.readonly;
  for (const nodeId of [1, 2, 3]) nodes[nodeId] = (await c.join(nodeId)).node;
  await nodes[2]!.put('/api/v1/leases/jobs:a', { ttlSeconds: 60 });
  for (let i = 0; i < 4; i++) await nodes[2]!.put('/api/v1/leases/jobs:hot', { ttlSeconds: 60 });
  await nodes[3]!.put('/api/v1/leases/jobs:b', { ttlSeconds: 60 });
});
afterAll(() => rt?.stop());

describe('the CockroachDB v2 surface', () => {
  it('lists members as nodes, with trailing slashes and limit/offset paging', async () => {
    const all = await reader.get('/api/v2/nodes/');
    expect(all.status).toBe(200);
    expect(all.body.nodes.map((n: any) => n.node_id)).toEqual([1, 2, 3]);
    expect(all.body.nodes[0]).toMatchObject({
      address: { network_field: 'tcp', address_field: '10.0.0.1:7000' },
      sql_address: { network_field: 'tcp', address_field: '10.0.0.1:5002' },
      ServerVersion: { major_val: 1, minor_val: 2, patch: 3, internal: 0 },
      build_tag: 'v1.2.3',
      liveness_status: 3,
      locality: { tiers: [] },
    });
    expect(all.body.nodes[0].started_at).toBeGreaterThan(1e18);
    const page = await reader.get('/api/v2/nodes/?limit=2&offset=1');
    expect(page.body.nodes.map((n: any) => n.node_id)).toEqual([2, 3]);
    expect((await reader.get('/api/v2/nodes/?limit=2')).body.next).toBe(2);
  });

  it("lists a node's leases as ranges, and finds one range by id", async () => {
    const { ranges } = (await reader.get('/api/v2/nodes/2/ranges/')).body;
    expect(ranges.map((r: any) => Buffer.from(r.desc.start_key, 'base64').toString())).toEqual(['jobs:a', 'jobs:hot']);
    expect(ranges[0]).toMatchObject({ source_node_id: 2, lease_history: [{ replica: { node_id: 2, store_id: 2 } }] });
    const id = ranges[1].desc.range_id;
    const one = await reader.get(`/api/v2/ranges/${id}/`);
    expect(one.body.responses_by_node_id['2'].range_info.desc.range_id).toBe(id);
    const missing = await reader.get('/api/v2/ranges/999999/');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('range 999999 not found\n');
  });

  it('orders hot ranges by recent acquire and renew rate, grouped by leaseholder', async () => {
    const hot = (await reader.get('/api/v2/ranges/hot/')).body;
    expect(Object.keys(hot.ranges_by_node_id).sort()).toEqual(['2', '3']);
    const first = hot.ranges_by_node_id['2'][0];
    expect(Buffer.from(first.start_key, 'base64').toString()).toBe('jobs:hot');
    expect(first.queries_per_second).toBeGreaterThan(hot.ranges_by_node_id['3'][0].queries_per_second);
    const paged = (await reader.get('/api/v2/ranges/hot/?limit=1')).body;
    expect(paged.next).toBe('1');
    expect(Object.values(paged.ranges_by_node_id).flat()).toHaveLength(1);
  });

  it('answers bad input 400 in plain text, never 5xx', async () => {
    const bad = await reader.get('/api/v2/nodes/local/ranges/');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await reader.get('/api/v2/nodes/?limit=0')).status).toBe(400);
  });
});
