import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
});
afterAll(() => rt?.stop());

/** The request's one summary line, found by its request id. */
const summaryOf = (requestId: string | null) =>
  rt
    .logs()
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((entry) => entry.msg === 'request' && entry.requestId === requestId);

describe('errors a user can act on', () => {
  it('a 403 names the role that was needed', async () => {
    const mint = await c.readonly.post('/api/v1/cluster/pki/join-tokens', { nodeID: 5 });
    expect(mint.status).toBe(403);
    expect(mint.body.error).toBe('This requires the admin role');
    const drain = await c.readonly.post('/api/v1/cluster/members/5/drain', {});
    expect(drain.status).toBe(403);
    expect(drain.body.error).toBe('This requires the admin or operator role');
    const { node } = await c.join(7);
    const lease = await c.admin.put('/api/v1/leases/x', { ttlSeconds: 10 });
    expect(lease.status).toBe(403);
    expect(lease.body.error).toBe('This requires a node credential');
    const users = await node.get('/api/v1/users');
    expect(users.status).toBe(403);
    expect(users.body.error).toMatch(/^This requires the admin/);
  });

  it("an error's summary log line carries its message and kind, not only the status", async () => {
    const token = await c.mint(9);
    expect((await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 9))).status).toBe(201);
    const again = await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, 9));
    expect(again.status).toBe(401);
    const line = summaryOf(again.headers.get('x-request-id'));
    expect(line).toMatchObject({ status: 401, error: again.body.error, kind: 'Unauthorized' });
    expect(line.error).toMatch(/used/i);

    const ok = await c.admin.get('/api/v1/cluster/members');
    const quiet = summaryOf(ok.headers.get('x-request-id'));
    expect(quiet.status).toBe(200);
    expect(quiet).not.toHaveProperty('error');
  });
});
