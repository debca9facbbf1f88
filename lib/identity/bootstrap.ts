import * as z from '../zod';
import { findClusterMeta } from '../cluster/meta';
import { Forbidden } from '../errors';
import { email, password } from '../http/schemas';
import { readSecureParameter } from '../store/parameters';
import { createFirstAdminUser } from './ella-auth';
import { hashPassword } from './passwords';
import { revokeSessionsOf } from './session-store';
import { findUser, newUserId, normalizeEmail, resetToAdmin } from './user-store';

const input = z.object({ email, password });

/**
 * Creates the first admin when Roster is not initialized, as POST /api/v1/init would:
 * locally from ADMIN_EMAIL/ADMIN_PASSWORD at start, on AWS from a one-off invoke whose
 * password is the SecureString ADMIN_PASSWORD_PARAMETER names. Already initialized: nothing,
 * unless the event asks to `reset` (recovery of a lost admin, below).
 */
export async function bootstrapAdmin(event: { email?: string; password?: string; reset?: boolean }, requestId: string) {
  const env = process.env;
  const initialized = (await findClusterMeta(true))?.initialized === true;
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
  try {
    await createFirstAdminUser({ ...parsed.data, requestId });
    return { created: true, initialized: true, email: parsed.data.email.toLowerCase() };
  } catch (err) {
    if (err instanceof Forbidden) return { created: false, initialized: true };
    throw err;
  }
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
  const userId = await resetToAdmin(user, existing?.userId, audit);
  if (existing) await revokeSessionsOf(userId);
  return { reset: true, created: !existing, email };
}
