import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, bearer } from '../support/auth';
import { clusterClients } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let admin: ReturnType<typeof client>;
let readonly: ReturnType<typeof client>;
let c: Awaited<ReturnType<typeof clusterClients>>;
const ADMIN_EMAIL = 'admin@roster.test';

beforeAll(async () => {
  rt = await startRuntime();
  admin = client(rt.url, bearer(await accessToken(rt, 'admin', ADMIN_EMAIL)));
  readonly = client(rt.url, bearer(await accessToken(rt, 'readonly')));
  c = await clusterClients(rt);
});
afterAll(() => rt?.stop());

describe('status', () => {
  it("answers Ella Core's cluster shape: enabled, a leading API that is no member, a decimal cluster id", async () => {
    const res = await client(rt.url).get('/api/v1/status');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ella-role')).toBe('Leader');
    const body = res.body.result;
    expect(body).toMatchObject({ version: expect.any(String), revision: expect.any(String), ready: true, schemaVersion: 1 });
    expect(body.cluster).toMatchObject({ enabled: true, role: 'Leader', nodeId: 0, isLeader: true, appliedSchemaVersion: 1, raftTerm: 0 });
    expect(body.cluster.clusterId).toMatch(/^[1-9][0-9]*$/);
    expect(body.cluster).not.toHaveProperty('leaderAPIAddress');
  });

  it('counts every committed membership change in appliedIndex and names the leader by its API address', async () => {
    const index = async () => (await client(rt.url).get('/api/v1/status')).body.result.cluster;
    const before = (await index()).appliedIndex;
    const first = await c.join(71);
    const afterJoin = await index();
    expect(afterJoin.appliedIndex).toBe(before + 1);
    expect(afterJoin).toMatchObject({ leaderNodeId: 71, leaderAPIAddress: '10.0.0.71:5002' });
    await c.join(72);
    expect((await index()).appliedIndex).toBe(before + 2);
    expect((await c.admin.post('/api/v1/cluster/members/72/promote')).status).toBe(200);
    expect((await index()).appliedIndex).toBe(before + 3);
    expect((await c.admin.delete('/api/v1/cluster/members/72?force=true')).status).toBeLessThan(300);
    expect((await index()).appliedIndex).toBe(before + 4);
    // A change that is no membership change leaves it alone.
    expect((await c.beat(first.node, 71)).status).toBeLessThan(300);
    expect((await index()).appliedIndex).toBe(before + 4);
  });
});

describe('audit log', () => {
  const users = ['a1@roster.test', 'a2@roster.test', 'a3@roster.test'];

  beforeAll(async () => {
    for (const email of users) expect((await admin.post('/api/v1/users', { email, password: 'password-1', role_id: 2 })).status).toBe(201);
  });

  it("lists entries newest first in Ella's shape, with the actor, the caller's address and the details as words", async () => {
    const res = await admin.get('/api/v1/logs/audit?page=1&per_page=100');
    expect(res.status).toBe(200);
    const { items, page, per_page, total_count } = res.body.result;
    expect({ page, per_page }).toEqual({ page: 1, per_page: 100 });
    expect(total_count).toBe(items.length);
    const stamps = items.map((i: { timestamp: string }) => i.timestamp);
    expect([...stamps].sort().reverse()).toEqual(stamps);
    const created = items.find((i: { action: string; details: string }) => i.action === 'user.create' && i.details.includes(users[0]!));
    expect(created).toEqual({
      id: expect.any(String),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      user: ADMIN_EMAIL,
      action: 'user.create',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      details: `user:${users[0]} role_id=2`,
    });
    // A node's own entries name it as the actor.
    const joins = items.filter((i: { action: string }) => i.action === 'member.join');
    expect(joins.map((i: { user: string }) => i.user)).toEqual(['node:72', 'node:71']);
    expect(joins[1].details).toMatch(/^member:71 leader=true .*suffrage=voter$/);
  });

  it('filters by user, by action, and by both, each counted', async () => {
    const byAction = (await admin.get('/api/v1/logs/audit?action=user.create')).body.result;
    expect(byAction.items.map((i: { action: string }) => i.action)).toEqual(['user.create', 'user.create', 'user.create']);
    expect(byAction.total_count).toBe(3);
    const byUser = (await admin.get(`/api/v1/logs/audit?user=${encodeURIComponent(ADMIN_EMAIL)}`)).body.result;
    expect(byUser.items.every((i: { user: string }) => i.user === ADMIN_EMAIL)).toBe(true);
    expect(byUser.items.length).toBeGreaterThanOrEqual(4);
    const both = (await admin.get(`/api/v1/logs/audit?user=${encodeURIComponent(ADMIN_EMAIL)}&action=join-token.create`)).body.result;
    expect(both.items.map((i: { details: string }) => i.details.split(' ')[0])).toEqual(['member:72', 'member:71']);
    expect(both.total_count).toBe(2);
    expect((await admin.get('/api/v1/logs/audit?user=node%3A71&action=join-token.create')).body.result.total_count).toBe(0);
    const nobody = (await admin.get('/api/v1/logs/audit?user=nobody%40roster.test&action=&start=')).body.result;
    expect(nobody).toEqual({ items: [], page: 1, per_page: 25, total_count: 0 });
  });

  it('takes whole days as start and end, as Ella does, and ignores what is no date', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const all = (await admin.get('/api/v1/logs/audit?action=user.create')).body.result.items.length;
    expect((await admin.get(`/api/v1/logs/audit?action=user.create&start=${today}&end=${today}`)).body.result.items).toHaveLength(all);
    expect((await admin.get('/api/v1/logs/audit?action=user.create&end=2000-01-01')).body.result.items).toHaveLength(0);
    expect((await admin.get('/api/v1/logs/audit?action=user.create&start=2999-01-01')).body.result.items).toHaveLength(0);
    expect((await admin.get('/api/v1/logs/audit?action=user.create&start=yesterday')).body.result.items).toHaveLength(all);
  });

  it('pages by page=N and by the next cursor through the same entries', async () => {
    const all = (await admin.get('/api/v1/logs/audit?per_page=100')).body.result.items.map((i: { id: string }) => i.id);
    expect(all.length).toBeGreaterThan(4);
    const byPage: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 2); page++) {
      const res = (await admin.get(`/api/v1/logs/audit?page=${page}&per_page=2`)).body.result;
      byPage.push(...res.items.map((i: { id: string }) => i.id));
    }
    expect(byPage).toEqual(all);
    expect((await admin.get(`/api/v1/logs/audit?page=${all.length + 1}&per_page=1`)).body.result.items).toEqual([]);
    const byCursor: string[] = [];
    let next: string | undefined;
    do {
      const res = (await admin.get(`/api/v1/logs/audit?per_page=2${next ? `&next=${next}` : ''}`)).body.result;
      byCursor.push(...res.items.map((i: { id: string }) => i.id));
      next = res.next;
    } while (next);
    expect(byCursor).toEqual(all);
  });

  it("answers Ella's 400s for bad paging and a foreign cursor, and reads a non-number as the default", async () => {
    expect((await admin.get('/api/v1/logs/audit?page=0')).status).toBe(400);
    expect((await admin.get('/api/v1/logs/audit?per_page=101')).status).toBe(400);
    expect((await admin.get(`/api/v1/logs/audit?user=${'x'.repeat(255)}`)).status).toBe(400);
    expect((await admin.get('/api/v1/logs/audit?page=abc')).body.result.page).toBe(1);
    const next = (await admin.get('/api/v1/logs/audit?per_page=1')).body.result.next;
    expect((await admin.get(`/api/v1/logs/audit?action=user.create&next=${next}`)).status).toBe(400);
    expect((await admin.get('/api/v1/logs/audit?next=not-a-cursor')).status).toBe(400);
    // A cursor outside the query's window: after it is foreign; before it (the window's edge passed it) is the end.
    expect((await admin.get(`/api/v1/logs/audit?per_page=1&end=2000-01-01&next=${next}`)).status).toBe(400);
    const passed = await admin.get(`/api/v1/logs/audit?per_page=1&start=2999-01-01&next=${next}`);
    expect(passed.status).toBe(200);
    expect(passed.body.result.items).toEqual([]);
    expect(passed.body.result).not.toHaveProperty('next');
  });

  it('is for admins only, as in Ella', async () => {
    for (const path of ['/api/v1/logs/audit', '/api/v1/logs/audit/retention']) expect((await readonly.get(path)).status).toBe(403);
    expect((await readonly.put('/api/v1/logs/audit/retention', { days: 1 })).status).toBe(403);
    expect((await client(rt.url).get('/api/v1/logs/audit')).status).toBe(401);
  });

  it('keeps 90 days until told otherwise; a shorter retention hides older entries at once', async () => {
    expect((await admin.get('/api/v1/logs/audit/retention')).body.result).toEqual({ days: 90 });
    for (const days of [0, -1, 1.5, 3651]) expect((await admin.put('/api/v1/logs/audit/retention', { days })).status).toBe(400);
    expect((await admin.put('/api/v1/logs/audit/retention', { days: 7 })).status).toBe(200);
    expect((await admin.get('/api/v1/logs/audit/retention')).body.result).toEqual({ days: 7 });
    const changed = (await admin.get('/api/v1/logs/audit?action=audit.retention')).body.result.items;
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ user: ADMIN_EMAIL, details: 'audit-log days=7' });
    expect((await admin.put('/api/v1/logs/audit/retention', { days: 90 })).status).toBe(200);
  });
});
