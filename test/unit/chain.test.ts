import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { BadRequest, Conflict } from '../../lib/errors';
import { httpRoute } from '../../lib/http/handler';
import { route, type Surface } from '../../lib/http/route';
import { apiEvent, context } from '../support/events';

const echo = (surface: Surface, impl?: () => Promise<unknown>) =>
  httpRoute(
    route({
      fn: 'echo',
      method: 'POST',
      path: '/echo',
      surface,
      access: 'public',
      store: 'none',
      status: 201,
      summary: 'echo',
      body: z.strictObject({ name: z.string().min(1), count: z.number().int().min(0).max(10).optional() }),
    }),
    impl ?? (async ({ body }) => body),
  );

const post = (surface: Surface, body: string | undefined, impl?: () => Promise<unknown>, headers?: Record<string, string>) =>
  echo(surface, impl)(apiEvent({ method: 'POST', path: '/echo', body, headers }), context);

describe('the shared middy chain', () => {
  it('wraps a canonical success in {result} with the route status and a request id', async () => {
    const res = await post('ella', '{"name":"a"}');
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body!)).toEqual({ result: { name: 'a' } });
    expect(res.headers!['X-Request-ID']).toMatch(/\S{8,}/);
  });

  it("keeps a caller's well-formed X-Request-ID", async () => {
    const res = await post('ella', '{"name":"a"}', undefined, { 'x-request-id': 'caller-req-1234' });
    expect(res.headers!['X-Request-ID']).toBe('caller-req-1234');
  });

  it('rejects malformed JSON with 400 and a message', async () => {
    const res = await post('ella', '{"name":');
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error).toMatch(/Malformed JSON/);
  });

  it('rejects an unknown property, naming it', async () => {
    const res = await post('ella', '{"name":"a","admin":true}');
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error).toMatch(/"admin".*unknown property/);
  });

  it('rejects a wrong type and an out-of-range value, naming the field', async () => {
    expect(JSON.parse((await post('ella', '{"name":5}')).body!).error).toMatch(/"name"/);
    const res = await post('ella', '{"name":"a","count":11}');
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error).toMatch(/"count"/);
  });

  it('answers 413 for a body over 512,000 bytes', async () => {
    const res = await post('ella', JSON.stringify({ name: 'x'.repeat(512_001) }));
    expect(res.statusCode).toBe(413);
  });

  it('renders errors in each surface format', async () => {
    const conflict = async () => {
      throw new Conflict('taken');
    };
    expect(JSON.parse((await post('ella', '{"name":"a"}', conflict)).body!)).toEqual({ error: 'taken' });
    expect(JSON.parse((await post('sensu', '{"name":"a"}', conflict)).body!)).toEqual({ message: 'taken', code: 3 });
    expect(JSON.parse((await post('classic', '{"name":"a"}', conflict)).body!)).toEqual({ error: 'taken' });
    const crdb = await post('crdb', '{"name":"a"}', conflict);
    expect(crdb.headers!['Content-Type']).toMatch(/^text\/plain/);
    expect(crdb.body).toBe('taken\n');
  });

  it('answers a classic 404 with an empty body and CORS headers', async () => {
    const res = await post('classic', '{"name":"a"}', async () => {
      throw new (await import('../../lib/errors')).NotFound('gone');
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe('');
    expect(res.headers!['Access-Control-Allow-Origin']).toBe('*');
  });

  it('turns an unexpected error into a 500 with the request id, logged, with no stack for the client', async () => {
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const res = await post('ella', '{"name":"a"}', async () => {
      throw new TypeError('boom at secret place');
    });
    expect(res.statusCode).toBe(500);
    const id = res.headers!['X-Request-ID'] as string;
    expect(res.body).toContain(id);
    expect(res.body).not.toMatch(/boom|at .*\.ts|TypeError/);
    expect(log.mock.calls.some(([line]) => String(line).includes(id) && String(line).includes('boom'))).toBe(true);
    log.mockRestore();
  });

  it('passes a DomainError status and headers through', async () => {
    const res = await post('ella', '{"name":"a"}', async () => {
      throw new BadRequest('nope');
    });
    expect(res.statusCode).toBe(400);
  });
});
