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

export const tasks: readonly TaskSpec[] = [];
