import type { CellContext, Fixture } from './matrix';

/** Matrix fixtures of the membership, lease and drain routes (see ./matrix). */

/** A peer URL no member holds yet: a member's peer URLs are its own, so every cell takes a fresh one. */
const peer = (ctx: CellContext) => `https://matrix-${ctx.unique()}.example:7000`;

/** A lease held by the matrix's node, with its range id and fencing token. */
async function heldLease(ctx: CellContext) {
  const name = `matrix-${ctx.unique()}`;
  const res = await ctx.node.client.put(`/api/v1/leases/${name}`, { ttlSeconds: 600 });
  if (res.status !== 200) throw new Error(`lease ${name}: ${res.status} ${res.text}`);
  return { name, rangeId: res.body.result.rangeId as number, fencingToken: res.body.result.fencingToken as number };
}

export const clusterFixtures: Record<string, Fixture> = {
  'member-get': async (ctx) => ({ path: `/api/v1/cluster/members/${ctx.node.nodeId}` }),
  'member-heartbeat': async (ctx) => ({ path: `/api/v1/cluster/members/${ctx.node.nodeId}/heartbeat` }),
  'member-remove': async (ctx) => ({ path: `/api/v1/cluster/members/${(await ctx.join()).nodeId}?force=true` }),
  'member-promote': async (ctx) => ({ path: `/api/v1/cluster/members/${(await ctx.join()).nodeId}/promote` }),
  'member-drain': async (ctx) => ({ path: `/api/v1/cluster/members/${(await ctx.join()).nodeId}/drain`, body: { deadlineSeconds: 0 } }),
  'member-resume': async (ctx) => ({ path: `/api/v1/cluster/members/${(await ctx.join()).nodeId}/resume` }),
  'join-token-revoke': async (ctx) => {
    const res = await ctx.admin.post('/api/v1/cluster/pki/join-tokens', { nodeID: ctx.unique(), ttlSeconds: 300 });
    const jti = JSON.parse(Buffer.from(String(res.body.result.token).split('.')[1]!, 'base64url').toString()).jti;
    return { path: `/api/v1/cluster/pki/join-tokens/${jti}` };
  },
  // A node is admitted, but for its own id only: the matrix's node (whose credential later cells
  // use) asks for another member's and is refused; an admin rotates a fresh member's.
  'member-credential': async (ctx) => ({
    path: `/api/v1/cluster/members/${(await ctx.join()).nodeId}/credential`,
    ...(ctx.caller === 'node' ? { status: 403 } : {}),
  }),
  'sensu-member-add': async (ctx) => ({ path: `/api/core/v2/cluster/members?peer-addrs=${peer(ctx)}` }),
  'sensu-member-update': async (ctx) => ({
    path: `/api/core/v2/cluster/members/${(await ctx.join()).nodeId.toString(16)}?peer-addrs=${peer(ctx)}`,
  }),
  'sensu-member-remove': async (ctx) => ({ path: `/api/core/v2/cluster/members/${(await ctx.join()).nodeId.toString(16)}` }),
  'lease-put': async (ctx) => ({ path: `/api/v1/leases/matrix-${ctx.unique()}`, body: { ttlSeconds: 60 } }),
  'lease-release': async (ctx) => {
    const lease = await heldLease(ctx);
    return { path: `/api/v1/leases/${lease.name}?fencingToken=${lease.fencingToken}` };
  },
  'lease-get': async (ctx) => ({ path: `/api/v1/leases/${(await heldLease(ctx)).name}` }),
  'crdb-node-ranges': async (ctx) => ({ path: `/api/v2/nodes/${ctx.node.nodeId}/ranges/` }),
  'crdb-range': async (ctx) => ({ path: `/api/v2/ranges/${(await heldLease(ctx)).rangeId}/` }),
};
