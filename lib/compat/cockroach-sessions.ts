import { paginate, rfc3339, type Paging } from './cockroach';

/**
 * A login session as CockroachDB's serverpb.Session (listSessions), so that a Go client
 * decodes it into that type: times are RFC 3339 strings (time.Time), `status` is the
 * Session_Status enum's number, bytes are base64, and the message fields Roster has no
 * value for (active_txn, end) are left out rather than null. `id` is a non-secret handle.
 */
export interface SessionView {
  id: string;
  email: string;
  kind: string;
  startedAt: number;
  lastActiveAt: number;
}

/** serverpb.Session_Status: ACTIVE 0, CLOSED 1, IDLE 2. A login session runs no query: idle. */
export const SESSION_STATUS = { ACTIVE: 0, CLOSED: 1, IDLE: 2 } as const;

export const crdbSession = (s: SessionView) => ({
  node_id: 0,
  username: s.email,
  client_address: '',
  application_name: `roster-${s.kind}`,
  active_queries: [],
  start: rfc3339(s.startedAt),
  last_active_query: '',
  // The uint128 session id as its 16 raw bytes.
  id: Buffer.from(s.id.slice(0, 32), 'hex').toString('base64'),
  alloc_bytes: 0,
  max_alloc_bytes: 0,
  last_active_query_no_constants: '',
  num_txns_executed: 0,
  txn_fingerprint_ids: [],
  // time.Duration: int64 nanoseconds (a login session runs no transaction).
  total_active_time: 0,
  status: SESSION_STATUS.IDLE,
  num_active_queries: 0,
  pg_backend_pid: 0,
  trace_id: 0,
  goroutine_id: 0,
  authentication_method: 'password',
});

/** The answer of listSessions: one page, with `next` (the offset, as a string token) only when more follow. */
export function crdbSessionsPage(sessions: readonly SessionView[], paging: Paging) {
  const { page, next } = paginate(sessions, paging);
  return { sessions: page.map(crdbSession), errors: [], ...(next !== undefined ? { next: String(next) } : {}) };
}
