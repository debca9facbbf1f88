import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkSecret } from '../../lib/identity/signing-keys';
import * as tokens from '../../lib/identity/tokens';

// No keyring in the table: the base key (TOKEN_SECRET itself) signs.
const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
});

describe('tokens', () => {
  it('verifies a token of its own kind', async () => {
    const token = await tokens.signToken('access', { sub: 'a@b.example' }, 60);
    expect(await tokens.verifyToken('access', token)).toMatchObject({ sub: 'a@b.example', iss: 'roster', aud: 'roster' });
  });

  it('never accepts a token of one kind as another', async () => {
    const join = await tokens.signToken('join', { sub: '7' }, 60);
    await expect(tokens.verifyToken('access', join)).rejects.toMatchObject({ statusCode: 401 });
    const refresh = await tokens.signToken('refresh', { sub: 'a@b.example' }, 60);
    await expect(tokens.verifyToken('access', refresh)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('refuses alg none and expired tokens', async () => {
    const none = new UnsecuredJWT({ sub: 'x' }).setIssuer('roster').setAudience('roster').setIssuedAt().setExpirationTime('1h').encode();
    await expect(tokens.verifyToken('access', none)).rejects.toMatchObject({ statusCode: 401 });
    const old = await tokens.signToken('access', {}, 60, Math.floor(Date.now() / 1000) - 3600);
    await expect(tokens.verifyToken('access', old)).rejects.toMatchObject({ statusCode: 401, message: 'Token expired' });
  });

  it('refuses another algorithm, a wrong issuer and an unknown kid', async () => {
    const key = new TextEncoder().encode(process.env.TOKEN_SECRET);
    const token = await tokens.signToken('access', {}, 60);
    const { kid } = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    const sign = (alg: string, iss: string, k: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg, typ: 'at+jwt', kid: k })
        .setIssuer(iss)
        .setAudience('roster')
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(key);
    await expect(tokens.verifyToken('access', await sign('HS512', 'roster', kid))).rejects.toMatchObject({ statusCode: 401 });
    await expect(tokens.verifyToken('access', await sign('HS256', 'other', kid))).rejects.toMatchObject({ statusCode: 401 });
    await expect(tokens.verifyToken('access', await sign('HS256', 'roster', '0000000000000000'))).rejects.toMatchObject({
      statusCode: 401,
    });
    expect(await tokens.verifyToken('access', await sign('HS256', 'roster', kid))).toBeTruthy();
  });

  it('refuses a signing key shorter than 32 bytes', async () => {
    expect(() => checkSecret('short')).toThrow(/at least 32 bytes/);
  });
});
