import { readSecureParameter } from '../ssm-parameters';

const MIN_KEY_BYTES = 32;

/** Refuses a key shorter than 32 bytes: HS256 with a short key is guessable offline. */
export function checkSecret(secret: string | undefined): Uint8Array {
  if (!secret) throw new Error('TOKEN_SECRET is not set: Roster cannot sign or verify tokens');
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_KEY_BYTES) throw new Error(`TOKEN_SECRET must be at least ${MIN_KEY_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

let loaded: Promise<Uint8Array> | undefined;

/**
 * The root signing secret, once per cold start: TOKEN_SECRET, or on AWS the SecureString
 * that TOKEN_SECRET_PARAMETER names. A short or missing one fails every request rather
 * than signing with a guessable key.
 */
export function tokenSecret(): Promise<Uint8Array> {
  const env = process.env;
  loaded ??= (
    !env.TOKEN_SECRET && env.TOKEN_SECRET_PARAMETER
      ? readSecureParameter(env.TOKEN_SECRET_PARAMETER).then(checkSecret)
      : Promise.resolve().then(() => checkSecret(env.TOKEN_SECRET))
  ).catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}
