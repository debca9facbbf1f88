import * as z from '../../zod';
import { ADMIN } from '../../identity/principal';
import { USER_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';

/** The audit log on the canonical surface (Ella Core's `/api/v1/logs/audit`), for admins as in Ella. */

/** Ella's atoiDefault: a missing or non-numeric value is the default; the bounds are then checked. */
const lenientInt = (fallback: number, min: number, max: number, message: string) =>
  z
    .pipe(
      z.optional(z.string()),
      z.transform((s: string | undefined) => (s !== undefined && /^-?[0-9]{1,9}$/.test(s) ? Number(s) : fallback)),
    )
    .check(z.refine((n) => n >= min && n <= max, message));

/** Ella ignores an empty filter. */
const filter = z.pipe(
  z.optional(z.string().check(z.maxLength(254, 'filter too long (max 254 characters)'))),
  z.transform((s: string | undefined) => (s === '' ? undefined : s)),
);

export const listAuditLogsRoute = route({
  fn: 'audit-logs-list',
  method: 'GET',
  path: '/api/v1/logs/audit',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'A page of the audit log, newest first, by user, action and days; `next` continues with one Query',
  query: z.object({
    page: lenientInt(1, 1, 1_000_000, 'page must be >= 1'),
    per_page: lenientInt(25, 1, 100, 'per_page must be between 1 and 100'),
    user: filter,
    action: filter,
    start: z.optional(z.string().check(z.maxLength(32))),
    end: z.optional(z.string().check(z.maxLength(32))),
    next: z.optional(z.string().check(z.maxLength(2048))),
  }),
});

export const getAuditRetentionRoute = route({
  fn: 'audit-retention-get',
  method: 'GET',
  path: '/api/v1/logs/audit/retention',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'How many days audit entries are kept',
});

export const setAuditRetentionRoute = route({
  fn: 'audit-retention-set',
  method: 'PUT',
  path: '/api/v1/logs/audit/retention',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Set how many days audit entries are kept; older entries are hidden at once and their expiry moved by the watcher',
  body: z.strictObject({ days: z.number().check(z.int(), z.minimum(1, 'retention days must be greater than 0'), z.maximum(3650)) }),
});
