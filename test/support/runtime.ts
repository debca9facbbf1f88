import { inject } from 'vitest';
import { superviseRuntime, type Runtime } from '../../infra/local/supervise';

export type { Runtime };

/**
 * The real local runtime from this run's build, on an ephemeral port, against the run's
 * shared DynamoDB Local with a table of its own. `env` overrides any setting
 * (DYNAMODB_ENDPOINT: '' makes it start a private emulator, as `npm start` does).
 * The scheduled watcher stays quiet unless a test sets ROSTER_WATCHER_INTERVAL_SECONDS:
 * autopilot would otherwise promote a file's nonvoters a minute in, whatever its model says.
 */
export const startRuntime = (env: Record<string, string> = {}): Promise<Runtime> =>
  superviseRuntime(inject('distDir'), {
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    PASSWORD_SCRYPT_LOG_N: '10',
    ROSTER_WATCHER_INTERVAL_SECONDS: '3600',
    ...env,
  });
