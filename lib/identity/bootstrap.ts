import * as z from 'zod';
import { findClusterMeta } from '../cluster/meta';
import { Forbidden } from '../errors';
import { email, password } from '../http/schemas';
import { readSecureParameter } from '../store/parameters';
import { createFirstAdminUser } from './ella-auth';

const input = z.object({ email, password });

/**
 * Creates the first admin when Roster is not initialized, as POST /api/v1/init would:
 * locally from ADMIN_EMAIL/ADMIN_PASSWORD at start, on AWS from a one-off invoke whose
 * password is the SecureString ADMIN_PASSWORD_PARAMETER names. Already initialized: nothing.
 */
export async function bootstrapAdmin(event: { email?: string; password?: string }, requestId: string) {
  const env = process.env;
  if ((await findClusterMeta(true))?.initialized) return { created: false, initialized: true };
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
  try {
    await createFirstAdminUser({ ...parsed.data, requestId });
    return { created: true, initialized: true, email: parsed.data.email.toLowerCase() };
  } catch (err) {
    if (err instanceof Forbidden) return { created: false, initialized: true };
    throw err;
  }
}
