import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { config } from '../config';
import { Conflict } from '../errors';
import { readKeyring, writeKeyring, type Keyring } from './keyring';
import { checkSecret, tokenSecret } from './secret';

/**
 * The HS256 signing keys of every Roster token. The first key is TOKEN_SECRET itself, its
 * kid the first 16 hex of its SHA-256. A rotation adds a random kid whose key is
 * HKDF(TOKEN_SECRET, kid): the table holds only kids (./keyring), never key material. The
 * keyring is cached KEY_CACHE_SECONDS, so a rotation signs everywhere within that time; a
 * retired key verifies for as long as a token it signed can live (plus that cache time,
 * during which it may still sign).
 */

export { checkSecret };

export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

/** The longest any token lives: how long a retired key must still verify. */
export const MAX_TOKEN_TTL_SECONDS = 86_400;
const RETAIN_MS = (MAX_TOKEN_TTL_SECONDS + config.keyCacheSeconds + 60) * 1000;
/** An unknown kid re-reads the keyring, at most this often (a garbage kid must not cost a read each). */
const UNKNOWN_KID_RELOAD_MS = 1000;

export const baseKid = (secret: Uint8Array): string => createHash('sha256').update(secret).digest('hex').slice(0, 16);

const derive = (secret: Uint8Array, kid: string): Uint8Array =>
  new Uint8Array(hkdfSync('sha256', secret, Buffer.from(kid), 'roster token signing key', 32));

const keyOf = (secret: Uint8Array, kid: string): Uint8Array => (kid === baseKid(secret) ? secret : derive(secret, kid));

/** The keyring before any rotation: the base key alone. */
const initialRing = (secret: Uint8Array): Keyring => ({
  version: 0,
  current: baseKid(secret),
  keys: [{ kid: baseKid(secret), createdAt: 0 }],
});

let cache: { ring: Keyring; at: number } | undefined;

async function ring(maxAgeMs = config.keyCacheSeconds * 1000): Promise<Keyring> {
  const now = Date.now();
  if (cache && now - cache.at < maxAgeMs) return cache.ring;
  // The secret (on AWS its own GetParameter, once per container) and the keyring are read side by side.
  const [secret, stored] = await Promise.all([tokenSecret(), readKeyring()]);
  cache = { ring: stored ?? initialRing(secret), at: now };
  return cache.ring;
}

const verifies = (entry: { retiredAt?: number } | undefined, now: number): boolean =>
  entry !== undefined && (entry.retiredAt === undefined || now - entry.retiredAt < RETAIN_MS);

/** The key that signs new tokens. */
export async function signingKey(): Promise<SigningKey> {
  const [secret, { current }] = await Promise.all([tokenSecret(), ring()]);
  return { kid: current, key: keyOf(secret, current) };
}

/** The key a token's `kid` names, while it may still verify tokens; undefined otherwise. */
export async function verificationKey(kid: string | undefined): Promise<Uint8Array | undefined> {
  if (!kid || !/^[0-9a-f]{16}$/.test(kid)) return undefined;
  const now = Date.now();
  const [secret, keyring] = await Promise.all([tokenSecret(), ring()]);
  let entry = keyring.keys.find((k) => k.kid === kid);
  // Signed by a key another instance rotated to, that this one's cache has not seen yet.
  if (!entry) entry = (await ring(UNKNOWN_KID_RELOAD_MS)).keys.find((k) => k.kid === kid);
  return verifies(entry, now) ? keyOf(secret, kid) : undefined;
}

/** Pure: the keyring after a rotation to `kid` at `now`; keys past their retention are dropped. */
export function rotated(previous: Keyring, kid: string, now: number): Keyring {
  const kept = previous.keys
    .map((k) => (k.kid === previous.current && k.retiredAt === undefined ? { ...k, retiredAt: now } : k))
    .filter((k) => verifies(k, now));
  return { version: previous.version + 1, current: kid, keys: [{ kid, createdAt: now }, ...kept] };
}

/** Starts signing with a new key (within KEY_CACHE_SECONDS everywhere); the old one keeps verifying. */
export async function rotateSigningKey(now = Date.now()): Promise<{ kid: string }> {
  const secret = await tokenSecret();
  const previous = (await readKeyring()) ?? initialRing(secret);
  const next = rotated(previous, randomBytes(8).toString('hex'), now);
  if ((await writeKeyring(next)).kind === 'moved') throw new Conflict('The signing key was rotated concurrently; retry', 1);
  cache = { ring: next, at: Date.now() };
  return { kid: next.current };
}
