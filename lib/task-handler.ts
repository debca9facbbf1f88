import type { Context } from 'aws-lambda';
import { logger, type Logger } from './log';
import { withUsage } from './metrics';

/**
 * The wrapper of a Lambda no HTTP route reaches (a state machine task, a scheduled job):
 * its log lines carry the invocation's request id, and it ends with one summary line
 * with its duration and AWS usage, as HTTP requests do. Failures are logged and rethrown,
 * so Step Functions retries and EventBridge records them.
 */
export function taskHandler<E, R>(fn: string, impl: (event: E, ctx: { requestId: string; log: Logger }) => Promise<R>) {
  return (event: E, context: Context): Promise<R> =>
    withUsage(async (usage) => {
      const requestId = context.awsRequestId;
      const log = logger({ requestId, fn });
      const started = Date.now();
      try {
        const result = await impl(event, { requestId, log });
        log.info('task', { ms: Date.now() - started, usage });
        return result;
      } catch (err) {
        log.error('task failed', {
          ms: Date.now() - started,
          usage,
          error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
        });
        throw err;
      }
    });
}
