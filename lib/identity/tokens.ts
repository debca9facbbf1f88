import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Unauthorized } from '../errors';
import { signingKey, verificationKey } from './signing-keys';

/**
 * Every token kind has its own `typ`, checked on verification, so that no token can be
 * used as another (a join token is never an access token).
 */
export const TOKEN_TYPES = {
  access: 'at+jwt',
  refresh: 'refresh+jwt',
  join: 'join+jwt',
} as const;
export type TokenKind = keyof typeof TOKEN_TYPES;

export const ISSUER = 'roster';
export const AUDIENCE = 'roster';
/** Seconds of clock skew tolerated between signer and verifier. */
export const CLOCK_TOLERANCE = 5;

export async function signToken(
  kind: TokenKind,
  claims: JWTPayload,
  ttlSeconds: number,
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  const { kid, key } = await signingKey();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPES[kind], kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(key);
}

/** Verifies a token of `kind`: HS256 only, its typ, issuer, audience and expiry. Anything else is 401. */
export async function verifyToken(kind: TokenKind, token: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = await verificationKey(header.kid);
        if (!key) throw new Unauthorized('Unknown signing key');
        return key;
      },
      {
        algorithms: ['HS256'],
        typ: TOKEN_TYPES[kind],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE,
        requiredClaims: ['exp', 'iat'],
      },
    );
    return payload;
  } catch (err) {
    if (err instanceof Unauthorized) throw err;
    // Not the token's fault (the keyring could not be read, say): not a 401.
    if (!(err instanceof errors.JOSEError)) throw err;
    if (err instanceof errors.JWTExpired) throw new Unauthorized('Token expired');
    throw new Unauthorized('Invalid token');
  }
}
