import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE, throughGateway } from '../../infra/local/gateway';
import { acceptsGzip, fitForLambda, GZIP_FROM_BYTES, LAMBDA_RESPONSE_LIMIT, payloadBytes } from '../../lib/http/encoding';

const answer = (body: string) => ({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body });
/** A JSON list of at least `bytes` bytes that gzip shrinks well, like a member list. */
const list = (bytes: number) => {
  const one = JSON.stringify({ nodeId: 1234567, suffrage: 'voter', ok: true }).length + 1;
  return JSON.stringify(Array.from({ length: Math.ceil(bytes / one) }, (_, i) => ({ nodeId: 1_000_000 + i, suffrage: 'voter', ok: true })));
};
/** As large, but random: gzip cannot shrink it below the limit. */
const noise = (bytes: number) => JSON.stringify({ blob: randomBytes(Math.ceil(bytes * 0.75)).toString('base64') });

describe('Accept-Encoding', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, GZIP;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['*;q=0', false],
    ['deflate, br', false],
    ['identity', false],
    ['', false],
    [undefined, false],
    ['br, *;q=0.1, gzip;q=0', false],
  ])('%j accepts gzip: %s', (header, accepted) => expect(acceptsGzip(header)).toBe(accepted));
});

describe('fitting an answer into a Lambda response', () => {
  it('sends a small answer as it is, whatever the client accepts', () => {
    const small = answer(list(GZIP_FROM_BYTES / 2));
    expect(fitForLambda(small, 'gzip', undefined)).toBe(small);
  });

  it('gzips a large answer, base64-encoded, for a client that accepts gzip', () => {
    const body = list(2 * GZIP_FROM_BYTES);
    const out = fitForLambda(answer(body), 'gzip, deflate', undefined);
    expect(out).toMatchObject({ isBase64Encoded: true, headers: { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } });
    expect(gunzipSync(Buffer.from(out.body!, 'base64')).toString()).toBe(body);
    expect(fitForLambda(answer(body), 'identity', undefined).body).toBe(body);
  });

  it('keeps an answer over 6 MB raw under the limit once gzipped', () => {
    const body = list(LAMBDA_RESPONSE_LIMIT + 1_000_000);
    const out = fitForLambda(answer(body), 'gzip', 'page');
    expect(payloadBytes(out)).toBeLessThan(LAMBDA_RESPONSE_LIMIT / 5);
  });

  it('refuses with a 400 naming the paging and gzip when the answer passes the limit and the client takes no gzip', () => {
    const body = list(LAMBDA_RESPONSE_LIMIT + 1_000);
    expect(Buffer.byteLength(body)).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT);
    expect(() => fitForLambda(answer(body), undefined, 'per_page and next')).toThrow(
      expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/per_page and next.*Accept-Encoding: gzip/) }),
    );
  });

  it('counts the JSON escaping of the body: a body under 6 MB whose payload is over is refused too', () => {
    const quotes = '"'.repeat(LAMBDA_RESPONSE_LIMIT / 2 + 1000);
    expect(Buffer.byteLength(quotes)).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    expect(() => fitForLambda(answer(quotes), undefined, undefined)).toThrow(expect.objectContaining({ statusCode: 400 }));
  });

  it('refuses with a 400 when even the gzipped answer, base64-encoded, passes the limit', () => {
    // 6.5 MB of base64 noise: gzip takes it under 6 MB, base64 back over it.
    const body = noise(6_500_000);
    expect(() => fitForLambda(answer(body), 'gzip', 'limit and offset')).toThrow(
      expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/gzipped and base64-encoded.*limit and offset/) }),
    );
    expect(() => fitForLambda(answer(body), 'gzip', undefined)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/no smaller form/) }),
    );
  });
});

describe('the local gateway', () => {
  it('answers 500 as API Gateway does for a Lambda result over 6,291,556 bytes, and passes one at the limit', async () => {
    const over = answer('x'.repeat(LAMBDA_RESPONSE_LIMIT));
    expect(await throughGateway(Promise.resolve(over))).toMatchObject({
      result: INTERNAL_SERVER_ERROR,
      failure: expect.stringMatching(/ResponseSizeTooLarge/),
    });
    const base = payloadBytes(answer(''));
    const at = answer('x'.repeat(LAMBDA_RESPONSE_LIMIT - base));
    expect(payloadBytes(at)).toBe(LAMBDA_RESPONSE_LIMIT);
    expect(await throughGateway(Promise.resolve(at))).toEqual({ result: at });
  });

  it('answers 503 when the integration outlasts its timeout', async () => {
    const never = new Promise<never>(() => {});
    expect(await throughGateway(never, 5)).toMatchObject({ result: SERVICE_UNAVAILABLE, failure: expect.stringMatching(/timed out/) });
    expect(SERVICE_UNAVAILABLE).toMatchObject({ statusCode: 503, body: '{"message":"Service Unavailable"}' });
  });
});
