import type { StoreAccess } from './http/route';

/** A Lambda that no HTTP route reaches: a state machine's task or a scheduled job. */
export interface TaskSpec {
  readonly fn: string;
  readonly store: StoreAccess;
  readonly states?: readonly ('StartExecution' | 'StopExecution')[];
  readonly summary: string;
  /** EventBridge schedule expression, for scheduled jobs. */
  readonly schedule?: string;
}

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
    summary: 'Scheduled pass: completes every drain whose deadline passed (a lost or failed execution included)',
  },
];
