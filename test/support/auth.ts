import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { ROLE_IDS, type Role } from '../../lib/http/route';
import type { Runtime } from './runtime';

/**
 * An access token for `role`, signed with the runtime's TOKEN_SECRET exactly as the
 * login routes sign them, so a test can act as any role without the identity flows.
 */
export async function accessToken(rt: Pick<Runtime, 'env'>, role: Role, email = `${role}@roster.test`, ttlSeconds = 600): Promise<string> {
  const secret = new TextEncoder().encode(rt.env.TOKEN_SECRET);
  const kid = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: email, role_id: ROLE_IDS[role] })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
    .setIssuer('roster')
    .setAudience('roster')
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secret);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
