import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SignJWT } from 'jose';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromAccessToken } from '../../lib/identity/credentials';
import { ROLE_IDS } from '../../lib/identity/roles';
import { baseKid } from '../../lib/identity/signing-keys';
import { keys } from '../../lib/store/keys';

/**
 * What an access token reads, and when. A container that must read the keyring to verify
 * (a new one, or its copy past KEY_CACHE_SECONDS) reads the session the token names beside
 * it, one round trip instead of two; with the keyring cached the signature is checked first,
 * so a forged token costs no read. Which calls are in flight at once is what the emulator
 * cannot show: the keyring's answer is held back here.
 */

const ddb = mockClient(DynamoDBDocumentClient);
const secret = new TextEncoder().encode(process.env.TOKEN_SECRET);
const sid = 'a'.repeat(64);
const keyOf = (input: unknown) => JSON.stringify((input as { Key: unknown }).Key);
const KEYRING = JSON.stringify(keys.keyring());
const SESSION = JSON.stringify(keys.session(sid));

/** Each test starts past the previous one's keyring cache (Date only: the SDK's timers stay real). */
let clock = Date.now();
beforeEach(() => {
  ddb.reset();
  clock += 3_600_000;
  vi.useFakeTimers({ toFake: ['Date'], now: clock });
});
afterAll(() => vi.useRealTimers());

const token = (key = secret) =>
  new SignJWT({ sid, role_id: ROLE_IDS.admin })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: baseKid(secret) })
    .setSubject('u1')
    .setIssuer('roster')
    .setAudience('roster')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

/** The session item, and a keyring read whose answer waits for `release()`. */
function table() {
  let release = () => {};
  const keyring = new Promise<object>((resolve) => (release = () => resolve({})));
  ddb.on(GetCommand).callsFake((input: unknown) => {
    if (keyOf(input) === KEYRING) return keyring;
    if (keyOf(input) === SESSION) {
      return {
        Item: {
          id: sid,
          userId: 'u1',
          email: 'a@b.example',
          roleId: ROLE_IDS.admin,
          kind: 'ella',
          startedAt: clock,
          expiresAt: clock / 1000 + 3600,
        },
      };
    }
    return {};
  });
  return { release };
}
// Which items were asked for, in any order (the calls go out together).
const reads = () =>
  ddb
    .commandCalls(GetCommand)
    .map((c) => keyOf(c.args[0].input))
    .sort();
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the reads of an access token', () => {
  it('reads the session beside the keyring when the keyring must be read', async () => {
    const { release } = table();
    const principal = fromAccessToken(await token());
    await tick();
    expect(reads()).toEqual([KEYRING, SESSION].sort());
    release();
    expect(await principal).toMatchObject({ kind: 'user', userId: 'u1', role: 'admin', sessionId: sid });
    expect(reads()).toHaveLength(2);
  });

  it('never accepts a forged token for the session it read ahead', async () => {
    table().release();
    await expect(fromAccessToken(await token(new TextEncoder().encode('another-secret-that-is-long-enough-012345')))).rejects.toMatchObject(
      {
        statusCode: 401,
      },
    );
    expect(reads()).toEqual([KEYRING, SESSION].sort());
  });

  it('with the keyring cached, reads nothing for a forged token and only the session for a valid one', async () => {
    table().release();
    await fromAccessToken(await token());
    const before = reads().length;
    await expect(fromAccessToken(await token(new TextEncoder().encode('another-secret-that-is-long-enough-012345')))).rejects.toMatchObject(
      {
        statusCode: 401,
      },
    );
    expect(reads()).toHaveLength(before);
    await fromAccessToken(await token());
    expect(
      ddb
        .commandCalls(GetCommand)
        .slice(before)
        .map((c) => keyOf(c.args[0].input)),
    ).toEqual([SESSION]);
  });
});
