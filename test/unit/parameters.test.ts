import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSecureParameter } from '../../lib/ssm-parameters';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe('SSM parameters', () => {
  it('sends one SigV4-signed GetParameter with decryption and returns the value', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');
    const fetch = vi.fn(async () => new Response(JSON.stringify({ Parameter: { Value: 'the-secret' } })));
    vi.stubGlobal('fetch', fetch);
    expect(await readSecureParameter('/roster/dev/token-secret')).toBe('the-secret');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit & { headers: Record<string, string> }];
    expect(url).toBe('https://ssm.us-east-1.amazonaws.com/');
    expect(init.headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(init.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ssm\/aws4_request/);
    expect(init.headers['x-amz-security-token']).toBe('session');
    expect(JSON.parse(init.body as string)).toEqual({ Name: '/roster/dev/token-secret', WithDecryption: true });
  });

  it('fails loudly when SSM refuses', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"__type":"AccessDeniedException"}', { status: 400 })),
    );
    await expect(readSecureParameter('/x')).rejects.toThrow(/AccessDenied/);
  });
});
