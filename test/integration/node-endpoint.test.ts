import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Agent } from '../../agent';
import { clusterClients, eventually } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let endpoint: { url: string; requests: string[]; child: ChildProcess };
const dir = mkdtempSync(join(tmpdir(), 'roster-node-endpoint-'));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The node-endpoint bundle behind a stand-in Function URL (test/support/function-url.ts). */
function startFunctionUrl(): Promise<typeof endpoint> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'test/support/function-url.ts'), join(inject('distDir'), 'functions', 'node-endpoint.mjs')],
    { cwd: root, env: { ...process.env, ...rt.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const requests: string[] = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const port = /^listening (\d+)$/.exec(line);
        if (port) resolve({ url: `http://127.0.0.1:${port[1]}`, requests, child });
        else if (/^[A-Z]+ \//.test(line)) requests.push(line);
      }
    });
    child.on('exit', (code) => reject(new Error(`the Function URL stand-in exited with ${code}`)));
  });
}

beforeAll(async () => {
  rt = await startRuntime({ HEARTBEAT_INTERVAL_SECONDS: '1' });
  c = await clusterClients(rt);
  await c.join(1);
  endpoint = await startFunctionUrl();
});
afterAll(async () => {
  endpoint?.child.kill();
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the node endpoint: heartbeats and leases from Function URL events', () => {
  it('serves an agent given nodeUrl: it joins on the API, heartbeats and holds leases on the node endpoint', async () => {
    const agent = await Agent.start({
      url: rt.url,
      // As the NodeUrl output gives it: with a trailing slash.
      nodeUrl: `${endpoint.url}/`,
      joinToken: await c.mint(2),
      stateFile: join(dir, 'node-2.json'),
      raftAddress: '10.2.0.2:7000',
      apiAddress: '10.2.0.2:5002',
      binaryVersion: 'v1',
      certFingerprint: 'sha256:2',
    });
    try {
      const lease = await agent.acquire('jobs.node-endpoint', { ttlSeconds: 4 });
      expect((await c.admin.get('/api/v1/leases/jobs.node-endpoint')).body.result.holder).toBe(2);
      // Renewals (at a third of the ttl) and heartbeats (every second) keep coming through it.
      const seen = (line: string) => endpoint.requests.filter((r) => r === line).length;
      expect(await eventually(async () => seen('PUT /api/v1/leases/jobs.node-endpoint 200') >= 2, 20_000)).toBe(true);
      expect(await eventually(async () => seen('POST /api/v1/cluster/members/2/heartbeat 200') >= 2, 20_000)).toBe(true);
      expect(lease.lost.aborted).toBe(false);
      await lease.release();
      // The stand-in's lines cross a pipe: one may land just after the answer it logs.
      expect(await eventually(async () => seen('DELETE /api/v1/leases/jobs.node-endpoint 200') === 1, 5_000)).toBe(true);
      expect((await c.admin.get('/api/v1/leases/jobs.node-endpoint')).body.result.holder ?? null).toBeNull();
      expect(endpoint.requests.some((r) => r.includes('/join') || r.includes('/credential'))).toBe(false);
      expect((await c.admin.get('/api/v1/cluster/members/2')).body.result.lastHeartbeatAt).toBeTruthy();
    } finally {
      await agent.stop();
    }
  });

  it('checks the node credential as the API does, and answers 404/405 for what it does not serve', async () => {
    const node = client(endpoint.url);
    const noCredential = await node.post('/api/v1/cluster/members/2/heartbeat', {});
    expect(noCredential.status).toBe(401);
    const notServed = await node.get('/api/v1/cluster/members');
    expect(notServed.status).toBe(404);
    expect(notServed.body.error).toMatch(/not served here/);
    const wrongMethod = await node.get('/api/v1/leases/jobs.node-endpoint');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('PUT, DELETE');
    const badParam = await client(endpoint.url, { authorization: 'Bearer x' }).put('/api/v1/leases/%2F..', { ttlSeconds: 5 });
    expect(badParam.status).toBeGreaterThanOrEqual(400);
    expect(badParam.status).toBeLessThan(500);
  });
});
