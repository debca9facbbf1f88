import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    await new Promise((r) => setTimeout(r, 50));
    const line = rt.logs().find((l) => l.startsWith('GET ') && l.includes(id));
    expect(line).toMatch(new RegExp(`^GET /api/v1/status 200 \\d+\\.\\dms ${id}$`));
  });
});
