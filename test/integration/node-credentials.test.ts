import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import { client } from '../support/http';
import { bearer } from '../support/auth';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * An invalid node credential learns nothing, on every node route: no lease or member
 * state is told before a write (or a transaction) has checked the credential's hash.
 */

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let holder: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
let held: { fencingToken: number };
let released: { fencingToken: number };

const HOLDER = 301;
const OTHER = 302;
const secret = () => randomBytes(32).toString('base64url');

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
  await c.join(1);
  holder = (await c.join(HOLDER)).node;
  other = (await c.join(OTHER)).node;
  held = (await holder.put('/api/v1/leases/nc-held', { ttlSeconds: 600 })).body.result;
  released = (await holder.put('/api/v1/leases/nc-released', { ttlSeconds: 600 })).body.result;
  expect((await holder.delete(`/api/v1/leases/nc-released?fencingToken=${released.fencingToken}`)).status).toBe(200);
});
afterAll(() => rt?.stop());

/** No such node, and the holder's own id with a secret that is not its credential. */
const forgeries = () =>
  [
    ['a node that does not exist', client(rt.url, bearer(`rnode_999_${secret()}`))],
    ["the holder's id with a wrong secret", client(rt.url, bearer(`rnode_${HOLDER}_${secret()}`))],
  ] as const;

function learnsNothing(res: { status: number; text: string }) {
  expect(res.status).toBe(401);
  expect(res.text).not.toMatch(/held|released|fencing|token is|expired|not found|301|302/i);
}

describe('a forged node credential', () => {
  it('is 401 on PUT /leases for a lease another node holds, without and with a fencing token', async () => {
    for (const [, forged] of forgeries()) {
      learnsNothing(await forged.put('/api/v1/leases/nc-held', { ttlSeconds: 60 }));
      learnsNothing(await forged.put('/api/v1/leases/nc-held', { ttlSeconds: 60, fencingToken: held.fencingToken }));
      learnsNothing(await forged.put('/api/v1/leases/nc-held', { ttlSeconds: 60, fencingToken: 1 }));
    }
  });

  it('is 401 on PUT /leases for a free or unknown lease', async () => {
    for (const [, forged] of forgeries()) {
      learnsNothing(await forged.put('/api/v1/leases/nc-released', { ttlSeconds: 60 }));
      learnsNothing(await forged.put(`/api/v1/leases/nc-new-${randomBytes(3).toString('hex')}`, { ttlSeconds: 60 }));
    }
  });

  it('is 401 on DELETE /leases, including the retried release of an already released lease', async () => {
    for (const [, forged] of forgeries()) {
      learnsNothing(await forged.delete(`/api/v1/leases/nc-released?fencingToken=${released.fencingToken}`));
      learnsNothing(await forged.delete(`/api/v1/leases/nc-held?fencingToken=${held.fencingToken}`));
      learnsNothing(await forged.delete(`/api/v1/leases/nc-unknown?fencingToken=1`));
    }
  });

  it("is 401 on a heartbeat, for its own id and for another node's", async () => {
    for (const [, forged] of forgeries()) {
      learnsNothing(await forged.post(`/api/v1/cluster/members/${HOLDER}/heartbeat`));
      learnsNothing(await forged.post(`/api/v1/cluster/members/${OTHER}/heartbeat`));
      learnsNothing(await forged.post(`/api/v1/cluster/members/999/heartbeat`));
    }
  });

  it('leaves the lease as it was', async () => {
    const lease = (await c.admin.get('/api/v1/leases/nc-held')).body.result;
    expect(lease.holder).toBe(HOLDER);
    expect(lease.fencingToken).toBe(held.fencingToken);
  });
});

describe('a valid node credential', () => {
  it('still learns why it is refused', async () => {
    const taken = await other.put('/api/v1/leases/nc-held', { ttlSeconds: 60 });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain(`held by node ${HOLDER}`);
    expect((await other.put('/api/v1/leases/nc-held', { ttlSeconds: 60, fencingToken: held.fencingToken })).status).toBe(409);
    expect((await other.post(`/api/v1/cluster/members/${HOLDER}/heartbeat`)).status).toBe(403);
    expect((await other.delete('/api/v1/leases/nc-unknown?fencingToken=1')).status).toBe(404);
  });

  it("answers the holder's retried release as released, and renews its own lease", async () => {
    expect((await holder.delete(`/api/v1/leases/nc-released?fencingToken=${released.fencingToken}`)).status).toBe(200);
    const renewed = await holder.put('/api/v1/leases/nc-held', { ttlSeconds: 600, fencingToken: held.fencingToken });
    expect(renewed.status).toBe(200);
  });
});
