import { ensureClusterMeta } from '../cluster/meta';
import { Forbidden } from '../errors';
import { openEllaSession, type RequestHeaders } from '../identity/ella-auth';
import { hashPassword } from '../identity/passwords';
import type { SessionUser } from '../identity/session-store';
import { createFirstAdmin, newUserId, normalizeEmail } from '../identity/user-store';

/** Initializing Roster: the first admin, made once, by POST /init (locally) or the bootstrap task. */

/** Creates the first admin while the cluster is not initialized; 'initialized' once it is. */
export async function makeFirstAdmin(input: {
  email: string;
  password: string;
  requestId: string;
}): Promise<{ kind: 'done'; user: SessionUser } | { kind: 'initialized' }> {
  await ensureClusterMeta(true); // mints the cluster item the init transaction conditions on
  const email = normalizeEmail(input.email);
  const user = { userId: newUserId(), email, role: 'admin' as const, passwordHash: await hashPassword(input.password) };
  const made = await createFirstAdmin(user, { actor: 'anonymous', action: 'init', target: `user:${email}`, requestId: input.requestId });
  return made.kind === 'done' ? { kind: 'done', user: { userId: user.userId, email, role: user.role } } : made;
}

/** POST /init: the first admin, logged in as login does (a token bound to a session, and the cookie that refreshes it). */
export async function initialize(input: { email: string; password: string; requestId: string; headers: RequestHeaders }, now = Date.now()) {
  const made = await makeFirstAdmin(input);
  if (made.kind === 'initialized') throw new Forbidden('Roster is already initialized');
  return openEllaSession(made.user, input.headers, now);
}
