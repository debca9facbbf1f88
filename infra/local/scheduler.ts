import { randomUUID } from 'node:crypto';
import { tasks } from '../../lib/task-table';
import type { Invoker } from './functions';

/**
 * Stands in for EventBridge: every `intervalSeconds`, invokes each scheduled task with a
 * Scheduled Event, as the rule in serverless.yml does on AWS. A pass still running when
 * the next is due is not doubled up locally (on AWS overlaps can happen, and the tasks'
 * conditional writes make them harmless).
 */
export function startScheduler(invoke: Invoker, intervalSeconds: number): { stop(): void } {
  const scheduled = tasks.filter((t) => t.schedule);
  const running = new Set<string>();
  const fire = () => {
    for (const task of scheduled) {
      if (running.has(task.fn)) continue;
      running.add(task.fn);
      const id = randomUUID();
      const event = {
        version: '0',
        id,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: [`arn:aws:events:us-east-1:000000000000:rule/roster-local-${task.fn}`],
        detail: {},
      };
      invoke(task.fn, event, id)
        .catch((err: Error) =>
          console.error(JSON.stringify({ level: 'error', msg: 'scheduled task failed', fn: task.fn, error: String(err.stack ?? err) })),
        )
        .finally(() => running.delete(task.fn));
    }
  };
  const timer = scheduled.length ? setInterval(fire, intervalSeconds * 1000) : undefined;
  timer?.unref();
  return { stop: () => clearInterval(timer) };
}
