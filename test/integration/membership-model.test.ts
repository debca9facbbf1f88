import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../support/cluster';
import type { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

/**
 * Model-based test of the membership state machine: fast-check draws sequences of
 * commands, runs each against the real runtime and a small model, and checks every answer
 * (and the invariants after it) against the model. A failure shrinks to a minimal sequence.
 */

type Drain = 'active' | 'draining' | 'drained';
interface Model {
  /** Members of earlier runs share the cluster: the first-voter rule is cluster-wide. */
  votersElsewhere: boolean;
  members: Map<number, { drain: Drain; voter: boolean }>;
  leases: Map<string, { holder?: number; token: number }>;
}
interface Real {
  base: number;
  nodes: Map<number, ReturnType<typeof client>>;
  tokens: Map<string, number>;
}

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let run = 0;

beforeAll(async () => {
  rt = await startRuntime();
  c = await clusterClients(rt);
});
afterAll(() => rt?.stop());

const NODES = [1, 2, 3, 4];
const LEASES = ['a', 'b'];
const id = (r: Real, n: number) => r.base + n;
const leaseName = (r: Real, l: string) => `m${r.base}-${l}`;

async function leader(): Promise<number> {
  return (await c.readonly.get('/api/v1/status')).body.result.cluster.leaderNodeId;
}

class Join implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => !m.members.has(this.n);
  async run(m: Model, r: Real) {
    const { answer, node } = await c.join(id(r, this.n));
    r.nodes.set(this.n, node);
    const first = !m.votersElsewhere && [...m.members.values()].every((x) => !x.voter);
    expect(answer.suffrage).toBe(first ? 'voter' : 'nonvoter');
    m.members.set(this.n, { drain: 'active', voter: first });
  }
  toString = () => `join(${this.n})`;
}

class Heartbeat implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.members.has(this.n);
  async run(m: Model, r: Real) {
    const res = await c.beat(r.nodes.get(this.n)!, id(r, this.n));
    expect(res.status).toBe(200);
    const me = m.members.get(this.n)!;
    expect(res.body.result).toMatchObject({ drainState: me.drain, suffrage: me.voter ? 'voter' : 'nonvoter' });
    if (me.drain !== 'active') expect(res.body.result.isLeader).toBe(false);
  }
  toString = () => `heartbeat(${this.n})`;
}

class DrainNow implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.members.has(this.n);
  async run(m: Model, r: Real) {
    const res = await c.operator.post(`/api/v1/cluster/members/${id(r, this.n)}/drain?force=true`, { deadlineSeconds: 0 });
    expect(res.status).toBe(200);
    const me = m.members.get(this.n)!;
    expect(res.body.result.drainState).toBe(me.drain === 'active' ? 'drained' : me.drain);
    if (me.drain === 'active') {
      me.drain = 'drained';
      for (const lease of m.leases.values()) if (lease.holder === this.n) lease.holder = undefined; // revoked
    }
    expect(await leader()).not.toBe(id(r, this.n));
  }
  toString = () => `drain(${this.n})`;
}

class Resume implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.members.has(this.n);
  async run(m: Model, r: Real) {
    expect((await c.operator.post(`/api/v1/cluster/members/${id(r, this.n)}/resume`)).status).toBe(200);
    m.members.get(this.n)!.drain = 'active';
  }
  toString = () => `resume(${this.n})`;
}

class Promote implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => m.members.has(this.n);
  async run(m: Model, r: Real) {
    const me = m.members.get(this.n)!;
    const res = await c.operator.post(`/api/v1/cluster/members/${id(r, this.n)}/promote`);
    expect(res.status).toBe(me.voter ? 409 : 200);
    me.voter = true;
  }
  toString = () => `promote(${this.n})`;
}

class Remove implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly n: number,
    readonly force: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.members.has(this.n);
  async run(m: Model, r: Real) {
    const me = m.members.get(this.n)!;
    const leads = (await leader()) === id(r, this.n);
    const res = await c.admin.delete(`/api/v1/cluster/members/${id(r, this.n)}${this.force ? '?force=true' : ''}`);
    if (leads || (!this.force && me.drain !== 'drained')) return void expect(res.status).toBe(409);
    expect(res.status).toBe(200);
    m.members.delete(this.n);
    for (const lease of m.leases.values()) if (lease.holder === this.n) lease.holder = undefined;
    // The removed node's credential is dead from now on.
    expect((await c.beat(r.nodes.get(this.n)!, id(r, this.n))).status).toBe(401);
  }
  toString = () => `remove(${this.n}${this.force ? ', force' : ''})`;
}

class Acquire implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly n: number,
    readonly l: string,
  ) {}
  check = (m: Readonly<Model>) => m.members.has(this.n);
  async run(m: Model, r: Real) {
    const me = m.members.get(this.n)!;
    const lease = m.leases.get(this.l) ?? { token: 0 };
    const res = await r.nodes.get(this.n)!.put(`/api/v1/leases/${leaseName(r, this.l)}`, { ttlSeconds: 600 });
    if (lease.holder === this.n) {
      expect(res.status).toBe(200);
      expect(res.body.result.fencingToken).toBe(lease.token);
    } else if (lease.holder !== undefined || me.drain !== 'active') {
      expect(res.status).toBe(409);
    } else {
      expect(res.status).toBe(200);
      expect(res.body.result.fencingToken).toBeGreaterThan(lease.token);
      m.leases.set(this.l, { holder: this.n, token: res.body.result.fencingToken });
    }
  }
  toString = () => `acquire(${this.n}, ${this.l})`;
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly n: number,
    readonly l: string,
  ) {}
  check = (m: Readonly<Model>) => m.members.has(this.n) && m.leases.has(this.l);
  async run(m: Model, r: Real) {
    const lease = m.leases.get(this.l)!;
    const res = await r.nodes.get(this.n)!.delete(`/api/v1/leases/${leaseName(r, this.l)}?fencingToken=${lease.token}`);
    if (lease.holder !== this.n) return void expect(res.status).toBe(409);
    expect(res.status).toBe(200);
    lease.holder = undefined;
    const me = m.members.get(this.n)!;
    // A draining member's last release drains it (only drain-now is drawn here, so never draining).
    expect(me.drain).not.toBe('draining');
  }
  toString = () => `release(${this.n}, ${this.l})`;
}

const node = fc.constantFrom(...NODES);
const lease = fc.constantFrom(...LEASES);
const commands = [
  node.map((n) => new Join(n)),
  node.map((n) => new Heartbeat(n)),
  node.map((n) => new DrainNow(n)),
  node.map((n) => new Resume(n)),
  node.map((n) => new Promote(n)),
  fc.tuple(node, fc.boolean()).map(([n, f]) => new Remove(n, f)),
  fc.tuple(node, lease).map(([n, l]) => new Acquire(n, l)),
  fc.tuple(node, lease).map(([n, l]) => new Release(n, l)),
];

describe('the membership state machine against its model', () => {
  it('agrees with the model over random command sequences, and never leaves a drained or removed member leading', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        // Each run gets fresh ids and lease names on the shared runtime.
        const base = ++run * 100;
        const real: Real = { base, nodes: new Map(), tokens: new Map() };
        const all = (await c.readonly.get('/api/v1/cluster/members')).body.result as { suffrage: string }[];
        const votersElsewhere = all.some((x) => x.suffrage === 'voter');
        await fc.asyncModelRun(() => ({ model: { votersElsewhere, members: new Map(), leases: new Map() }, real }), cmds);
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 40), seed: Number(process.env.MODEL_SEED ?? 1122) },
    );
  }, 300_000);
});
