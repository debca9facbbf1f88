import { nanos } from './cockroach';

/**
 * A login session as CockroachDB's serverpb.Session (listSessions): the fields a client
 * reads, with what Roster has for them. `id` is a non-secret handle (never the secret).
 */
export interface SessionView {
  id: string;
  email: string;
  kind: string;
  startedAt: number;
  lastActiveAt: number;
}

export const crdbSession = (s: SessionView) => ({
  node_id: 0,
  username: s.email,
  client_address: '',
  application_name: `roster-${s.kind}`,
  active_queries: [],
  start: nanos(s.startedAt),
  last_active_query: '',
  id: Buffer.from(s.id.slice(0, 32), 'hex').toString('base64'),
  alloc_bytes: 0,
  max_alloc_bytes: 0,
  active_txn: null,
  num_txns_executed: 0,
  txn_fingerprint_ids: [],
  last_active_query_no_constants: '',
  status: 'IDLE',
  end: null,
  num_active_queries: 0,
  pg_backend_pid: 0,
  trace_id: 0,
  goroutine_id: 0,
  authentication_method: 'password',
  last_active_at: nanos(s.lastActiveAt),
});

/** The answer of listSessions: one page from offset `start`, with `next` when more follow. */
export const crdbSessionsPage = (sessions: readonly SessionView[], start: number, limit: number) => ({
  sessions: sessions.slice(start, start + limit).map(crdbSession),
  errors: [],
  next: start + limit < sessions.length ? String(start + limit) : '',
});
