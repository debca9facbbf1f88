const MIN_KEY_BYTES = 32;

/** Refuses a key shorter than 32 bytes: HS256 with a short key is guessable offline. */
export function checkSecret(secret: string | undefined): Uint8Array {
  if (!secret) throw new Error('TOKEN_SECRET is not set: Roster cannot sign or verify tokens');
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_KEY_BYTES) throw new Error(`TOKEN_SECRET must be at least ${MIN_KEY_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}
