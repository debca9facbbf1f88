import { completeOverdueDrains } from '../lib/drain/completion';
import { taskHandler } from '../lib/task';

/** The scheduled watcher: one pass over the cluster (see lib/tasks.ts for its duties). */
export const handler = taskHandler('watcher', async (_event: unknown, { requestId, log }) => {
  const drained = await completeOverdueDrains(requestId);
  if (drained.length) log.info('completed overdue drains', { nodeIds: drained });
  return { drained };
});
