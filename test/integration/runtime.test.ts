import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/cluster';
import { client } from '../support/http';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
beforeAll(async () => {
  rt = await startRuntime();
});
afterAll(() => rt?.stop());

const get = (path: string) => client(rt.url).get(path);

describe('the local runtime', () => {
  it('answers GET /api/v1/health', async () => {
    const res = await get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: { status: 'ok' } });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers the CockroachDB health probe with {} , trailing slash and ready=true included', async () => {
    for (const path of ['/api/v2/health/', '/api/v2/health', '/api/v2/health/?ready=true']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    }
  });

  it('reports status with a cluster id that stays fixed, in decimal as Ella writes it, and fits in a JSON number', async () => {
    const first = (await get('/api/v1/status')).body.result;
    expect(first).toMatchObject({ initialized: false, ready: true, version: expect.any(String) });
    expect(first.cluster.clusterId).toMatch(/^[1-9][0-9]*$/);
    expect(Number.isSafeInteger(Number(first.cluster.clusterId))).toBe(true);
    const again = (await get('/api/v1/status')).body.result;
    expect(again.cluster.clusterId).toBe(first.cluster.clusterId);
  });

  it('mints one cluster id even when the first calls race', async () => {
    const fresh = await startRuntime();
    try {
      const ids = await Promise.all(
        Array.from({ length: 12 }, async () => (await client(fresh.url).get('/api/v1/status')).body.result.cluster.clusterId),
      );
      expect(new Set(ids).size).toBe(1);
    } finally {
      await fresh.stop();
    }
  });

  it('answers unknown routes 404 and wrong methods 405, in the format of the surface', async () => {
    const ella = await get('/api/v1/nope');
    expect(ella.status).toBe(404);
    expect(ella.body).toEqual({ error: 'Not found' });

    const method = await client(rt.url).delete('/api/v1/health');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET');

    const sensu = await get('/api/core/v2/nope');
    expect(sensu.body).toEqual({ message: 'Not found', code: 2 });

    const classic = await get('/clients/nope/nope');
    expect(classic.status).toBe(404);
    expect(classic.text).toBe('');

    const crdb = await get('/api/v2/nope/');
    expect(crdb.status).toBe(404);
    expect(crdb.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(crdb.text).toBe('Not found\n');
  });

  it('answers an oversized body 413 in the surface format, never 5xx', async () => {
    const res = await client(rt.url).post('/api/v1/nope', 'x'.repeat(600_000));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/512000 bytes/);
  });

  it('serves requests concurrently and logs one line per request with its request id', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, () => get('/api/v1/status')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const id = responses[7]!.headers.get('x-request-id')!;
    // The line is printed after the answer is sent: wait for it, however slow the pipe.
    const logged = () => rt.logs().find((l) => l.startsWith('GET ') && l.includes(id));
    expect(await eventually(async () => logged() !== undefined, 10_000)).toBe(true);
    const line = logged();
    expect(line).toMatch(new RegExp(`^GET /api/v1/status 200 \\d+\\.\\dms ${id}$`));
  });
});

/** Sends one raw request line (with a Host header) and returns the status line's code, or null if none came. */
function rawRequest(url: string, line: string): Promise<number | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer (an over-long line) still closes
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      resolve(status ? Number(status[1]) : null);
    });
    socket.write(`${line}\r\nHost: roster.test\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}

describe('the local runtime, sent raw request targets', () => {
  const cases: [string, (status: number | null) => void][] = [
    ['GET http://a:99999/x HTTP/1.1', (s) => expect(s).toBe(400)],
    ['GET http:// HTTP/1.1', (s) => expect(s).toBe(400)],
    ['GET roster.test:80 HTTP/1.1', (s) => expect(s).toBe(400)],
    ['OPTIONS * HTTP/1.1', (s) => expect(s).toBe(400)],
    ['CONNECT roster.test:443 HTTP/1.1', (s) => expect(s).toBe(400)],
    ['GET http://roster.test/api/v1/health HTTP/1.1', (s) => expect(s).toBe(200)],
    // API Gateway takes `//host/path` as that path: it is no route, not /api/v1/health.
    ['GET //roster.test/api/v1/health HTTP/1.1', (s) => expect(s).toBe(404)],
    ['GET /api/v1/users/%E0%A4%A HTTP/1.1', (s) => expect(s).toBeGreaterThanOrEqual(400)],
    ['GET /api/v1/%zz HTTP/1.1', (s) => expect(s).toBe(404)],
    ['GET /api/v1/health?x=%zz&%%=1 HTTP/1.1', (s) => expect(s).toBe(200)],
    [`GET /api/v1/${'a'.repeat(12_000)} HTTP/1.1`, (s) => expect(s).toBe(404)],
    [`GET /api/v1/${'a'.repeat(100_000)} HTTP/1.1`, (s) => expect(s).toBe(431)],
  ];
  for (const [line, check] of cases) {
    it(`answers ${line.slice(0, 60)} and keeps serving`, async () => {
      const status = await rawRequest(rt.url, line);
      check(status);
      if (status !== null) expect(status).toBeLessThan(500);
      expect((await get('/api/v1/health')).status).toBe(200);
    });
  }

  it('keeps serving after every bad target above, sent at once', async () => {
    await Promise.all(cases.map(([line]) => rawRequest(rt.url, line)));
    expect((await get('/api/v1/health')).status).toBe(200);
    expect(rt.process.exitCode).toBeNull();
  });
});

describe('the local Step Functions endpoint', () => {
  it("runs only Roster's own functions: a task naming a path outside dist/functions fails and imports nothing", async () => {
    // `../../x` from <run>/dist/functions/ is <run>/x.mjs: a module that would leave a marker if it ran.
    const run = join(inject('distDir'), '..');
    const marker = join(run, 'x-ran');
    writeFileSync(
      join(run, 'x.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const handler = async () => ({ done: true });\n`,
    );
    const { endpoint, machineArn, credentials } = rt.stepFunctions();
    const sfn = new SFNClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const input = JSON.stringify({ nodeId: 9, drainEpoch: 1, checkFunction: '../../x', wakeAt: new Date().toISOString() });
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'drain-9-1', input }));
      // The task fails (its Retry then backs off for minutes): the first retry shows it ran and refused.
      const history = async () => (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.map((e) => String(e.type));
      expect(await eventually(async () => (await history()).includes('StateRetried'), 20_000)).toBe(true);
      expect(existsSync(marker)).toBe(false);
      await sfn.send(new StopExecutionCommand({ executionArn }));
      expect((await get('/api/v1/health')).status).toBe(200);
    } finally {
      sfn.destroy();
      rmSync(join(run, 'x.mjs'), { force: true });
    }
  });

  it("refuses a caller without the runtime's per-start credentials", async () => {
    const { endpoint, machineArn } = rt.stepFunctions();
    const sfn = new SFNClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const input = JSON.stringify({
        nodeId: 9,
        drainEpoch: 2,
        checkFunction: 'roster-local-drain-check',
        wakeAt: new Date().toISOString(),
      });
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'drain-9-2', input }))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
    } finally {
      sfn.destroy();
    }
  });
});
