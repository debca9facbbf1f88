import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../infra/lambda/credentials';

afterEach(() => vi.unstubAllEnvs());

describe('the credential provider bundled into Lambdas', () => {
  it("returns the role's credentials that Lambda puts in the environment", async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');
    expect(await defaultProvider()()).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' });
  });

  it('fails with a clear message when they are missing', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(defaultProvider()()).rejects.toThrow(/No AWS credentials in the environment/);
  });
});
