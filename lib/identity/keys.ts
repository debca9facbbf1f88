import { createHash } from 'node:crypto';

export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

import { checkSecret } from './secret';

export { checkSecret };

const secret = checkSecret(process.env.TOKEN_SECRET);
const base: SigningKey = { kid: createHash('sha256').update(secret).digest('hex').slice(0, 16), key: secret };

/** The key that signs new tokens. */
export async function signingKey(): Promise<SigningKey> {
  return base;
}

/** The key a token's `kid` names, while it may still verify tokens; undefined otherwise. */
export async function verificationKey(kid: string | undefined): Promise<Uint8Array | undefined> {
  return kid === base.kid ? base.key : undefined;
}
