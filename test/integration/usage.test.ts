import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http';
import { eventually } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
beforeAll(async () => {
  rt = await startRuntime();
});
afterAll(() => rt?.stop());

/** The request's summary line, waited for: it may reach the runtime's stdout after the answer. */
const summary = async (requestId: string) => {
  const find = () => rt.logs().find((l) => l.startsWith('{') && l.includes(`"requestId":"${requestId}"`) && l.includes('"msg":"request"'));
  await eventually(async () => find() !== undefined, 10_000);
  const line = find();
  return line ? JSON.parse(line) : undefined;
};

describe('per-request usage, counted at the SDK', () => {
  it('logs one summary line per request with its DynamoDB calls and consumed capacity', async () => {
    await client(rt.url).get('/api/v1/status'); // mints the cluster item
    const res = await client(rt.url).get('/api/v1/status');
    const line = await summary(res.headers.get('x-request-id')!);
    expect(line).toMatchObject({ level: 'info', method: 'GET', path: '/api/v1/status', status: 200, fn: 'status' });
    expect(line.usage.dynamodb.calls).toBe(1);
    expect(line.usage.dynamodb.rcu).toBeGreaterThan(0);
    expect(line.usage.dynamodb.wcu).toBe(0);
  });

  it('counts nothing for a route that does not touch the store', async () => {
    const res = await client(rt.url).get('/api/v1/health');
    const line = await summary(res.headers.get('x-request-id')!);
    expect(line.usage.dynamodb).toEqual({ calls: 0, attempts: 0, rcu: 0, wcu: 0 });
  });

  it('serves overlapping requests to one function in environments of their own, each counting only its calls', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => client(rt.url).get('/api/v1/status')));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    for (const answer of answers) {
      const line = await summary(answer.headers.get('x-request-id')!);
      expect(line.usage.dynamodb).toMatchObject({ calls: 1, ops: { GetItem: 1 } });
    }
  });
});
