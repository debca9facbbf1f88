import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { config } from '../config';

/**
 * Passwords are stored as `scrypt$<logN>$<r>$<p>$<salt>$<hash>` (base64url), OWASP's
 * parameters by default: N=2^17, r=8, p=1. The parameters travel with the hash, so a
 * changed PASSWORD_SCRYPT_LOG_N still verifies the hashes made before it.
 */
const R = 8;
const P = 1;
const KEY_BYTES = 32;

const derive = (password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> => {
  // scrypt needs 128·N·r bytes; Node refuses above maxmem (32 MiB by default).
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 128 * 2 ** logN * r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
};

export async function hashPassword(password: string, logN = config.passwordScryptLogN): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, logN, R, P);
  return ['scrypt', logN, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash no password matches, so an unknown user costs the same scrypt as a known one. */
let dummy: string | undefined;
const dummyHash = (): string =>
  (dummy ??= [
    'scrypt',
    config.passwordScryptLogN,
    R,
    P,
    randomBytes(16).toString('base64url'),
    randomBytes(KEY_BYTES).toString('base64url'),
  ].join('$'));

/**
 * Checks `password` against `stored`, in constant time. Without a stored hash (no such
 * user) it still runs one scrypt of the same cost, and answers false.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parts = (stored ?? dummyHash()).split('$');
  const [scheme, logN, r, p, salt, hash] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt') return verifyPassword(password, undefined).then(() => false);
  const expected = Buffer.from(hash!, 'base64url');
  const actual = await derive(password, Buffer.from(salt!, 'base64url'), Number(logN), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== undefined;
}
