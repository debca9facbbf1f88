import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, type AgentOptions, type Lease } from '../../agent';
import { clusterClients, eventually } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
const dir = mkdtempSync(join(tmpdir(), 'roster-agent-'));
const agents: Agent[] = [];

beforeAll(async () => {
  rt = await startRuntime({ HEARTBEAT_INTERVAL_SECONDS: '1' });
  c = await clusterClients(rt);
  // The first member leads; the agents below join as nonvoters, which any test may drain.
  await c.join(1);
});
afterAll(async () => {
  await Promise.allSettled(agents.map((a) => a.stop()));
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startAgent(nodeId: number, over: Partial<AgentOptions> = {}): Promise<Agent> {
  const agent = await Agent.start({
    url: rt.url,
    joinToken: await c.mint(nodeId),
    stateFile: join(dir, `node-${nodeId}.json`),
    raftAddress: `10.1.0.${nodeId}:7000`,
    apiAddress: `10.1.0.${nodeId}:5002`,
    binaryVersion: 'v1',
    certFingerprint: `sha256:${nodeId}`,
    ...over,
  });
  agents.push(agent);
  return agent;
}

const member = async (nodeId: number) => (await c.admin.get(`/api/v1/cluster/members/${nodeId}`)).body.result;
const holder = async (name: string) => (await c.admin.get(`/api/v1/leases/${name}`)).body?.result?.holder;

/** An HTTP proxy in front of the runtime that can stop answering, as a partition would. */
function blockableProxy(target: string): Promise<{ url: string; block(): void; server: Server }> {
  let blocked = false;
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (blocked) return; // never answered: the client's own timeout ends it
    const out = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, block: () => (blocked = true), server }),
    ),
  );
}

describe('roster/agent against the local runtime', () => {
  it('joins three nodes, keeps the credential in a 0600 state file, and restarts from it without a token', async () => {
    const [a, b, d] = [await startAgent(11), await startAgent(12), await startAgent(13)];
    expect([a.nodeId, b.nodeId, d.nodeId]).toEqual([11, 12, 13]);
    expect(statSync(join(dir, 'node-13.json')).mode & 0o777).toBe(0o600);
    await d.stop();
    const again = await Agent.start({
      url: rt.url,
      stateFile: join(dir, 'node-13.json'),
      raftAddress: '10.1.0.13:7000',
      apiAddress: '10.1.0.13:5002',
      binaryVersion: 'v1',
      certFingerprint: 'sha256:13',
    });
    agents.push(again);
    expect(again.nodeId).toBe(13);
    const before = (await member(13)).lastHeartbeatAt;
    expect(await eventually(async () => (await member(13)).lastHeartbeatAt !== before, 5_000)).toBe(true);
  });

  it('holds a lease and renews it past its ttl; a campaign waits until the holder releases', async () => {
    const [a, b] = [await startAgent(21), await startAgent(22)];
    // A ttl long enough that a renewal slowed by a loaded machine still lands inside its margin.
    const lease = await a.acquire('jobs.a', { ttlSeconds: 8 });
    const token = lease.fencingToken;
    // Two ttls later the agent's renewals still hold it.
    await new Promise((r) => setTimeout(r, 17_000));
    expect(lease.lost.aborted).toBe(false);
    expect(await holder('jobs.a')).toBe(21);
    const campaign = b.campaign('jobs.a', { ttlSeconds: 5 });
    let won: Lease | undefined;
    void campaign.then((l) => (won = l));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(won).toBeUndefined();
    await lease.release();
    const next = await campaign;
    expect(await holder('jobs.a')).toBe(22);
    expect(next.fencingToken).toBeGreaterThan(token);
    await next.release();
  });

  it('on a drain calls onDrain with the deadline, then releases its leases: drained long before the deadline', async () => {
    let seen: { deadline: Date | undefined } | undefined;
    const agent = await startAgent(31, {
      onDrain: async ({ deadline }) => {
        seen = { deadline };
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    await agent.acquire('jobs.d', { ttlSeconds: 60 });
    const started = Date.now();
    expect((await c.admin.post('/api/v1/cluster/members/31/drain', { deadlineSeconds: 60 })).status).toBe(200);
    expect(await eventually(async () => (await member(31)).drainState === 'drained', 20_000)).toBe(true);
    expect(Date.now()).toBeLessThan(started + 60_000);
    expect(seen?.deadline?.getTime()).toBeGreaterThan(started + 50_000);
    expect(await holder('jobs.d')).toBeFalsy();
    await expect(agent.acquire('jobs.e', { ttlSeconds: 5 })).rejects.toMatchObject({ status: 409 });
    // Resumed, it acquires again.
    expect((await c.admin.post('/api/v1/cluster/members/31/resume')).status).toBe(200);
    expect(await eventually(async () => agent.drainState === 'active', 10_000)).toBe(true);
    await (await agent.acquire('jobs.e', { ttlSeconds: 5 })).release();
  });

  it('fires lost before the server could give a lease whose renewals are blocked to another node', async () => {
    const proxy = await blockableProxy(rt.url);
    try {
      const cut = await startAgent(41, { url: proxy.url });
      const other = await startAgent(42);
      const lease = await cut.acquire('jobs.lost', { ttlSeconds: 10 });
      proxy.block();
      const lostAt = await new Promise<number>((resolve) =>
        lease.lost.addEventListener('abort', () => resolve(Date.now()), { once: true }),
      );
      // The server still counts it as 41's: nobody else could have taken it yet.
      const attempt = await c.admin.get('/api/v1/leases/jobs.lost');
      expect(attempt.body.result.holder).toBe(41);
      expect(new Date(attempt.body.result.expiresAt).getTime()).toBeGreaterThan(lostAt);
      const taken = await other.campaign('jobs.lost', { ttlSeconds: 5 });
      expect(taken.fencingToken).toBeGreaterThan(lease.fencingToken);
      await taken.release();
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  });

  it('the example node joins, holds its lease and stops cleanly', async () => {
    const example = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['examples/agent.ts'], {
      env: { ...process.env, ROSTER_URL: rt.url, ROSTER_JOIN_TOKEN: await c.mint(51), ROSTER_STATE_FILE: join(dir, 'example.json') },
    });
    let out = '';
    example.stdout.on('data', (d) => (out += d));
    example.stderr.on('data', (d) => (out += d));
    expect(await eventually(async () => out.includes('holds jobs.scheduler'), 30_000)).toBe(true);
    expect(await holder('jobs.scheduler')).toBe(51);
    await c.admin.post('/api/v1/cluster/members/51/drain', { deadlineSeconds: 120 });
    expect(await eventually(async () => (await member(51)).drainState === 'drained', 20_000)).toBe(true);
    expect(out).toContain('draining; hand work off before');
    example.kill('SIGTERM');
    expect(await eventually(async () => out.includes('stopped'), 10_000)).toBe(true);
  });
});
