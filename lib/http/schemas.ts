import * as z from '../zod';

/** Node ids: positive integers up to 2^53-1, plain decimal. */
export const nodeId = z
  .pipe(z.string().check(z.regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer in plain decimal')), z.transform(Number))
  .check(z.refine((n) => Number.isSafeInteger(n), 'must be at most 2^53-1'));

/**
 * A member id as the Sensu Go surface writes it: hex, any uint64 (etcd's ids span 64 bits).
 * Roster's own ids stay at or below 2^53-1; a larger one is simply no member (404).
 */
export const hexNodeId = z.pipe(
  z.string().check(z.regex(/^(0x)?[0-9a-fA-F]{1,16}$/, 'must be a member id in hex, at most 2^64-1')),
  z.transform((s: string) => BigInt(`0x${s.replace(/^0x/, '')}`)),
);

/** A query-string integer within bounds. */
export const intParam = (min: number, max: number) =>
  z
    .pipe(z.string().check(z.regex(/^[0-9]+$/, 'must be a non-negative integer')), z.transform(Number))
    .check(z.refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`));

export const boolParam = z.pipe(
  z.enum(['true', 'false']),
  z.transform((s) => s === 'true'),
);

export { email, password } from '../identity/schemas';
export const leaseName = z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters of [A-Za-z0-9._:-]'));
export const sensuName = z.string().check(z.regex(/^[\w.-]{1,255}$/, 'must match ^[\\w.-]+$ and be at most 255 characters'));
