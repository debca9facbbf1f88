import { UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkSecret } from '../../lib/identity/keys';
import * as tokens from '../../lib/identity/tokens';

describe('tokens', () => {
  it('verifies a token of its own kind', async () => {
    const token = await tokens.signToken('access', { sub: 'a@b.example' }, 60);
    expect(await tokens.verifyToken('access', token)).toMatchObject({ sub: 'a@b.example', iss: 'roster', aud: 'roster' });
  });

  it('never accepts a token of one kind as another', async () => {
    const join = await tokens.signToken('join', { sub: '7' }, 60);
    await expect(tokens.verifyToken('access', join)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('refuses alg none and expired tokens', async () => {
    const none = new UnsecuredJWT({ sub: 'x' }).setIssuer('roster').setAudience('roster').setIssuedAt().setExpirationTime('1h').encode();
    await expect(tokens.verifyToken('access', none)).rejects.toMatchObject({ statusCode: 401 });
    const old = await tokens.signToken('access', {}, 60, Math.floor(Date.now() / 1000) - 3600);
    await expect(tokens.verifyToken('access', old)).rejects.toMatchObject({ statusCode: 401, message: 'Token expired' });
  });

  it('refuses a signing key shorter than 32 bytes', async () => {
    expect(() => checkSecret('short')).toThrow(/at least 32 bytes/);
  });
});
