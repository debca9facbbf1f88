import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { keys } from '../../lib/store/keys';

/**
 * On AWS a container's first verification needs the token secret (one GetParameter of SSM)
 * and the keyring (one GetItem): two services, so two connections either way, read side by
 * side rather than one after the other. SSM is not emulated locally: its answer is held back
 * here, and the keyring must be asked for meanwhile.
 */

const SECRET = 'ssm-held-secret-that-is-long-enough-0123456789';
vi.stubEnv('TOKEN_SECRET', '');
vi.stubEnv('TOKEN_SECRET_PARAMETER', '/roster/token-secret');
vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
let answer = (_: Response) => {};
const fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
vi.stubGlobal('fetch', fetch);
afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

const ddb = mockClient(DynamoDBDocumentClient);
const { baseKid, verificationKey } = await import('../../lib/identity/signing-keys');

describe('the first verification of a container', () => {
  it('reads the keyring beside the secret, not after it', async () => {
    ddb.on(GetCommand).resolves({});
    const key = verificationKey(baseKid(new TextEncoder().encode(SECRET)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([keys.keyring()]);
    answer(new Response(JSON.stringify({ Parameter: { Value: SECRET } })));
    expect(await key).toEqual(new TextEncoder().encode(SECRET));
  });
});
