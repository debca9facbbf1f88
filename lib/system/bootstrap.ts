import * as z from '../zod';
import { ensureClusterMeta } from '../cluster/meta';
import { Conflict } from '../errors';
import { hashPassword } from '../identity/passwords';
import { email, password } from '../identity/schemas';
import { revokeSessionsOf } from '../identity/session-store';
import { findUser, newUserId, normalizeEmail, resetToAdmin } from '../identity/user-store';
import { readSecureParameter } from '../ssm-parameters';
import { makeFirstAdmin } from './init';

/** The bootstrap task: the first admin without HTTP, and the recovery of a lost one. */

const input = z.object({ email, password });

/**
 * Creates the first admin when Roster is not initialized, as POST /api/v1/init would:
 * locally from ADMIN_EMAIL/ADMIN_PASSWORD at start, on AWS from a one-off invoke whose
 * password is the SecureString ADMIN_PASSWORD_PARAMETER names. Already initialized: nothing,
 * unless the event asks to `reset` (recovery of a lost admin, below).
 */
export async function bootstrapAdmin(event: { email?: string; password?: string; reset?: boolean }, requestId: string) {
  const env = process.env;
  // Where the cluster begins: its item (and id) is minted here, so GET /status only reads.
  const initialized = (await ensureClusterMeta(true)).initialized;
  if (initialized && !event.reset) return { created: false, initialized: true };
  const given = event.email ?? env.ADMIN_EMAIL;
  if (!given) return { created: false, initialized: false };
  const parsed = input.safeParse({
    email: given,
    password:
      event.password ?? (env.ADMIN_PASSWORD_PARAMETER ? await readSecureParameter(env.ADMIN_PASSWORD_PARAMETER) : env.ADMIN_PASSWORD),
  });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`bootstrap needs a valid admin email and a password of 8 to 256 characters (invalid: ${fields})`);
  }
  if (initialized) return { ...(await resetAdmin(parsed.data, requestId)), initialized: true };
  const made = await makeFirstAdmin({ ...parsed.data, requestId });
  return made.kind === 'done' ? { created: true, initialized: true, email: made.user.email } : { created: false, initialized: true };
}

/**
 * Regaining access when the only admin is locked out or lost: the account of `email` becomes
 * an admin with the SSM password, its failed logins are forgotten and its sessions end (they
 * may be an intruder's); an email with no account gets a new admin.
 */
async function resetAdmin(input: { email: string; password: string }, requestId: string) {
  const email = normalizeEmail(input.email);
  const existing = await findUser(email);
  const user = { userId: newUserId(), email, role: 'admin' as const, passwordHash: await hashPassword(input.password) };
  const audit = { actor: 'bootstrap', action: 'admin-reset', target: `user:${email}`, requestId };
  const reset = await resetToAdmin(user, existing?.userId, audit);
  if (reset.kind === 'moved') throw new Conflict('The account changed during the reset; run it again');
  if (existing) await revokeSessionsOf(reset.userId);
  return { reset: true, created: !existing, email };
}
