import { migrate } from '../lib/system/migrate';
import { taskHandler } from '../lib/task-handler';

/** `{budgetMs, pageSize}` bound one run (tests use them to stop a run part-way). */
export const handler = taskHandler('migrate', (event: { budgetMs?: number; pageSize?: number } | undefined, { log }) =>
  migrate(log, event?.budgetMs, event?.pageSize),
);
