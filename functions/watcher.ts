import { passChanged, watcherPass } from '../lib/autopilot/watcher';
import { auditPass } from '../lib/audit/maintenance';
import { taskHandler } from '../lib/task-handler';

/** The scheduled watcher: one autopilot pass over the cluster (see lib/autopilot/watcher.ts). */
export const handler = taskHandler('watcher', async (_event: unknown, { requestId, log }) => {
  const report = await watcherPass(Date.now(), requestId);
  if (passChanged(report)) log.info('autopilot pass', { ...report });
  const audit = await auditPass(Date.now());
  if (audit.counted > 0 || audit.expiriesMoved > 0) log.info('audit pass', { ...audit });
  return { ...report, audit };
});
