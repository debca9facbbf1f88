import type { StoreAccess } from './http/route';

/** A Lambda that no HTTP route reaches: a state machine's task or a scheduled job. */
export interface TaskSpec {
  readonly fn: string;
  readonly store: StoreAccess;
  readonly states?: readonly ('StartExecution' | 'StopExecution')[];
  readonly summary: string;
  /** EventBridge schedule expression, for scheduled jobs. */
  readonly schedule?: string;
  /** Lambda timeout in seconds, when the provider's default is too short. */
  readonly timeout?: number;
  /** A one-off that reads the whole table (no request path ever may): its role alone may Scan. */
  readonly scans?: true;
  /** SSM parameters (names under /<service>/<stage>/) it reads beyond the token secret, each as an env var. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/**
 * The task table, beside the route table (lib/http/routes): every Lambda no route reaches.
 * functions.yml, the IAM roles and the local scheduler are derived from it.
 */
export const tasks: readonly TaskSpec[] = [
  {
    fn: 'drain-check',
    store: 'write',
    summary: 'Drain-deadline task: completes a drain at its deadline or when its last lease goes',
  },
  {
    fn: 'watcher',
    store: 'write',
    schedule: 'rate(1 minute)',
    // A pass over a large cluster after a partition writes many transitions; overlapping passes are safe.
    timeout: 60,
    summary: 'Scheduled pass: records health, promotes stable nonvoters, elects a leader, removes dead servers, completes overdue drains',
  },
  {
    fn: 'bootstrap',
    store: 'write',
    parameters: { ADMIN_PASSWORD_PARAMETER: 'admin-password' },
    summary: 'One-off: creates the first admin (email in the event, password from SSM) unless Roster is initialized',
  },
  {
    fn: 'migrate',
    store: 'write',
    scans: true,
    // Resumable: a run stops before its timeout and the next one goes on where it stopped.
    timeout: 60,
    summary:
      "One-off: upgrades a table written before this round's item shapes (user ids, API tokens by user id, audit indexes, peer URL reservations)",
  },
];
