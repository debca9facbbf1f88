import * as z from 'zod';

/** Node ids: positive integers up to 2^53-1, plain decimal. */
export const nodeId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer in plain decimal')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be at most 2^53-1');

/**
 * A member id as the Sensu Go surface writes it: hex, any uint64 (etcd's ids span 64 bits).
 * Roster's own ids stay at or below 2^53-1; a larger one is simply no member (404).
 */
export const hexNodeId = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{1,16}$/, 'must be a member id in hex, at most 2^64-1')
  .transform((s) => BigInt(`0x${s.replace(/^0x/, '')}`));

/** A query-string integer within bounds. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

export const boolParam = z.enum(['true', 'false']).transform((s) => s === 'true');

export { email, password } from '../identity/schemas';
export const leaseName = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters of [A-Za-z0-9._:-]');
export const sensuName = z.string().regex(/^[\w.-]{1,255}$/, 'must match ^[\\w.-]+$ and be at most 255 characters');
