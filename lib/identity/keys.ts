import { createHash } from 'node:crypto';

export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

const MIN_KEY_BYTES = 32;

/** Refuses a key shorter than 32 bytes: HS256 with a short key is guessable offline. */
export function checkSecret(secret: string | undefined): Uint8Array {
  if (!secret) throw new Error('TOKEN_SECRET is not set: Roster cannot sign or verify tokens');
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_KEY_BYTES) throw new Error(`TOKEN_SECRET must be at least ${MIN_KEY_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

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
