import { describe, expect, it } from 'vitest';
import { rotated } from '../../lib/identity/signing-keys';
import { verifyPassword, hashPassword } from '../../lib/identity/passwords';
import { freeSlots, lockedFor, pageOf, parseBasic, sessionCookie, sessionFromCookies } from '../../lib/identity/rules';

const NOW = 1_800_000_000_000;

describe('login throttling', () => {
  const failure = (untilFromNow: number) => ({ id: 'f', until: NOW + untilFromNow, failed: true });
  const inFlight = (untilFromNow: number) => ({ id: 'a', until: NOW + untilFromNow, failed: false });

  it('locks when all 5 slots hold failures of the window, until the oldest frees', () => {
    expect(lockedFor([], NOW)).toBe(0);
    expect(lockedFor([failure(60_000), failure(60_000), failure(60_000), failure(60_000)], NOW)).toBe(0);
    expect(lockedFor([failure(900_000), failure(5_000), failure(900_000), failure(900_000), failure(900_000)], NOW)).toBe(5);
    expect(lockedFor([failure(900_000), failure(0), failure(900_000), failure(900_000), failure(900_000)], NOW)).toBe(0);
  });

  it('is never locked while an attempt is in flight: that one ends soon, and frees its slot on success', () => {
    const slots = [failure(900_000), inFlight(60_000), failure(900_000), failure(900_000), failure(900_000)];
    expect(lockedFor(slots, NOW)).toBe(0);
    expect(freeSlots(slots, NOW)).toEqual([]);
  });

  it('frees a slot past its time: a crashed attempt and an old failure alike', () => {
    const slots = [failure(-1), inFlight(0), undefined, inFlight(1), failure(1)];
    expect(freeSlots(slots, NOW)).toEqual([0, 1, 2]);
  });
});

describe('session cookies', () => {
  it('are HttpOnly, SameSite=Strict and read back from the request', () => {
    const cookie = sessionCookie('s3cret', 60, {});
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(sessionFromCookies(['other=1', cookie.split(';')[0]!])).toBe('s3cret');
    expect(sessionFromCookies(['roster_session='])).toBeUndefined();
  });

  it('are Secure only when the request came over HTTPS', () => {
    expect(sessionCookie('s', 60, {})).toMatch(/; Secure;/); // API Gateway: HTTPS only
    expect(sessionCookie('s', 60, { 'x-forwarded-proto': 'https' })).toMatch(/; Secure;/);
    expect(sessionCookie('s', 60, { 'x-forwarded-proto': 'http' })).not.toMatch(/Secure/);
    expect(sessionCookie('s', 60, { 'x-forwarded-proto': 'HTTP, https' })).not.toMatch(/Secure/);
  });
});

describe('paging and Basic', () => {
  it('pages 1-based with the total', () => {
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual({ items: [3, 4], page: 2, per_page: 2, total_count: 5 });
  });

  it('parses Basic credentials, passwords with colons included', () => {
    expect(parseBasic(`Basic ${Buffer.from('a@b.c:pa:ss').toString('base64')}`)).toEqual({ username: 'a@b.c', password: 'pa:ss' });
    expect(parseBasic('Bearer x')).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
  });
});

describe('the keyring', () => {
  it('signs with the new kid, keeps the old one verifying, and drops keys past their retention', () => {
    const first = { version: 0, current: 'a'.repeat(16), keys: [{ kid: 'a'.repeat(16), createdAt: 0 }] };
    const second = rotated(first, 'b'.repeat(16), NOW);
    expect(second).toEqual({
      version: 1,
      current: 'b'.repeat(16),
      keys: [
        { kid: 'b'.repeat(16), createdAt: NOW },
        { kid: 'a'.repeat(16), createdAt: 0, retiredAt: NOW },
      ],
    });
    const much = rotated(second, 'c'.repeat(16), NOW + 3 * 86_400_000);
    expect(much.keys.map((k) => k.kid)).toEqual(['c'.repeat(16), 'b'.repeat(16)]);
  });
});

describe('passwords', () => {
  it('verifies with scrypt and keeps its parameters in the hash', async () => {
    const hash = await hashPassword('correct horse', 10);
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('anything', undefined)).toBe(false);
  });
});
