import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from './api';

/** Who is signed in, and what their role lets the console offer. */
export interface Session {
  user: User;
  isAdmin: boolean;
  /** Drain, resume and promote: admins and operators. */
  canOperate: boolean;
}

export const sessionOf = (user: User): Session => ({
  user,
  isAdmin: user.role_id === 1,
  canOperate: user.role_id === 1 || user.role_id === 3,
});

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a session');
  return session;
}
