import { passChanged, watcherPass } from '../lib/autopilot/watcher';
import { taskHandler } from '../lib/task';

/** The scheduled watcher: one autopilot pass over the cluster (see lib/autopilot/watcher.ts). */
export const handler = taskHandler('watcher', async (_event: unknown, { requestId, log }) => {
  const report = await watcherPass(Date.now(), requestId);
  if (passChanged(report)) log.info('autopilot pass', { ...report });
  return report;
});
