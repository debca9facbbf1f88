import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import type { Answer } from '../support/http';
import {
  checkLinearizable,
  describeResult,
  drainModel,
  joinModel,
  leaseModel,
  recorder,
  type DrainInput,
  type DrainOutput,
  type DrainState,
  type JoinInput,
  type JoinOutput,
  type Model,
  type LeaseInput,
  type LeaseOutput,
} from '../support/linearizability';
import { startRuntime, type Runtime } from '../support/runtime';

/** Histories of concurrent clients through the local runtime, 16 requests in flight, checked against sequential models. */
const IN_FLIGHT = 16;
const OPS = Number(process.env.LINEARIZABILITY_OPS ?? 240);

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
const nodes: { nodeId: number; node: Awaited<ReturnType<typeof c.join>>['node'] }[] = [];

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
  for (let id = 1; id <= 8; id++) nodes.push({ nodeId: id, node: (await c.join(id)).node });
});
afterAll(() => rt?.stop());

async function concurrently(total: number, op: (client: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, client) => {
      while (next++ < total) await op(client);
    }),
  );
}

/** A definite answer, or undefined (an unknown outcome) when the store stayed busy. */
const definite = <O>(answer: Answer, map: (a: Answer) => O): O | undefined => (answer.status >= 500 ? undefined : map(answer));

/**
 * Drain with deadline 0 as it is built: two writes (active → draining, then drained once its
 * leases are revoked), so it may take effect at either; a draining member completes in the
 * background; a drain a resume overtakes answers 409 (its first write may have been seen); a drain that
 * finds another one under way answers the state it finds (idempotent).
 */
const drainInTwoSteps: Model<DrainState, DrainInput, DrainOutput> = {
  ...drainModel,
  next(s, input, actual) {
    const out = new Set<DrainState>();
    for (const from of s === 'draining' ? (['draining', 'drained'] as const) : [s]) {
      if (input.kind === 'resume') {
        if (!actual || actual.status === 200) out.add('active');
        // Every bounded round lost to a concurrent drain or resume (409 with Retry-After): it changed nothing.
        if (!actual || actual.status === 409) out.add(from);
      } else if (input.kind === 'read') {
        if (!actual || actual.drainState === from) out.add(from);
      } else if (!actual) {
        out.add(from);
        if (from === 'active') ['draining', 'drained'].forEach((x) => out.add(x as DrainState));
      } else if (actual.status === 409) {
        // Overtaken by a resume: its first write may have been seen (draining) before the resume undid it.
        if (from === 'active') ['active', 'draining'].forEach((x) => out.add(x as DrainState));
      } else if (actual.drainState === 'drained') {
        out.add('drained');
        if (from !== 'drained') out.add('draining');
      } else if (actual.drainState === 'draining' && from !== 'drained') {
        // It found a drain under way (its own undone by a resume and another begun): still draining.
        out.add('draining');
      }
    }
    return [...out];
  },
};

describe('linearizability through the local runtime', () => {
  it('leases: acquire, renew, release and read by eight nodes on three names', async () => {
    const rec = recorder<LeaseInput, LeaseOutput>();
    const tokens = new Map<string, number>();
    await concurrently(OPS, async (client) => {
      const { nodeId, node } = nodes[client % nodes.length]!;
      const key = `lin-${client % 3}`;
      const roll = Math.random();
      const lease = (a: Answer): LeaseOutput => (a.status === 200 ? { status: 200, token: a.body.result.fencingToken } : { status: 409 });
      if (roll < 0.35) {
        await rec.record(client, key, { kind: 'acquire', node: nodeId }, async () => {
          const a = await node.put(`/api/v1/leases/${key}`, { ttlSeconds: 600 });
          if (a.status === 200) tokens.set(key, a.body.result.fencingToken);
          return definite(a, lease);
        });
      } else if (roll < 0.5) {
        const token = tokens.get(key) ?? 1;
        await rec.record(client, key, { kind: 'renew', node: nodeId, token }, async () =>
          definite(await node.put(`/api/v1/leases/${key}`, { ttlSeconds: 600, fencingToken: token }), (a) =>
            a.status === 404 ? { status: 409 } : lease(a),
          ),
        );
      } else if (roll < 0.75) {
        const token = tokens.get(key) ?? 1;
        await rec.record(client, key, { kind: 'release', node: nodeId, token }, async () =>
          definite(await node.delete(`/api/v1/leases/${key}?fencingToken=${token}`), (a) =>
            a.status === 200 ? { status: 200 } : { status: 409 },
          ),
        );
      } else {
        await rec.record(client, key, { kind: 'read' }, async () => {
          const a = await c.readonly.get(`/api/v1/leases/${key}`);
          if (a.status === 404) return { status: 200, holder: null, token: 0 };
          return definite(a, (x) => ({ status: 200, holder: x.body.result.holder, token: x.body.result.fencingToken }));
        });
      }
    });
    expect(rec.history.length).toBeGreaterThanOrEqual(OPS);
    const result = checkLinearizable(rec.history, leaseModel);
    expect(result.ok, describeResult(result)).toBe(true);
  }, 120_000);

  it('drain and resume: operators and readers on three members', async () => {
    const rec = recorder<DrainInput, DrainOutput>();
    await concurrently(OPS / 2, async (client) => {
      const target = 6 + (client % 3); // never the leader (node 1)
      const path = `/api/v1/cluster/members/${target}`;
      const roll = Math.random();
      if (roll < 0.35) {
        await rec.record(client, `member-${target}`, { kind: 'drain' }, async () =>
          definite(await c.operator.post(`${path}/drain?force=true`, { deadlineSeconds: 0 }), (a) => ({
            status: a.status,
            drainState: a.body.result?.drainState,
          })),
        );
      } else if (roll < 0.7) {
        await rec.record(client, `member-${target}`, { kind: 'resume' }, async () =>
          definite(await c.operator.post(`${path}/resume`), (a) => ({ status: a.status })),
        );
      } else {
        await rec.record(client, `member-${target}`, { kind: 'read' }, async () =>
          definite(await c.readonly.get(path), (a) => ({ status: a.status, drainState: a.body.result?.drainState })),
        );
      }
    });
    const result = checkLinearizable(rec.history, drainInTwoSteps);
    expect(result.ok, describeResult(result)).toBe(true);
  }, 120_000);

  it('join: one token redeemed concurrently, with and without Idempotency-Keys', async () => {
    const rec = recorder<JoinInput, JoinOutput>();
    for (let round = 0; round < 3; round++) {
      const nodeId = 50 + round;
      const token = await c.mint(nodeId);
      await concurrently(24, async (client) => {
        const key = client % 3 === 0 ? undefined : `boot-${nodeId}-${client % 2}`;
        await rec.record(client, `token-${nodeId}`, key ? { key } : {}, async () =>
          definite(
            await c.anonymous.post('/api/v1/cluster/join', c.joinBody(token, nodeId), key ? { 'idempotency-key': key } : {}),
            (x) => ({
              status: x.status,
            }),
          ),
        );
      });
    }
    const result = checkLinearizable(rec.history, joinModel);
    expect(result.ok, describeResult(result)).toBe(true);
  }, 120_000);
});
