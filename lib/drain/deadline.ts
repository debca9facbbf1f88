import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '../config';
import { instrumentStepFunctions } from '../metrics';
import { RETRY, SDK_LOGGER, TIMEOUTS } from '../store/client';
import { executionName } from './rules';

/**
 * The drain deadline's Step Functions execution: one per member and drain epoch, started and stopped here.
 */

const endpoint = process.env.STEPFUNCTIONS_ENDPOINT || undefined;

const sfn = new SFNClient({
  region: config.region,
  logger: SDK_LOGGER,
  ...RETRY,
  requestHandler: TIMEOUTS,
  // Locally the runtime serves the Step Functions API itself (infra/local/stepfunctions.ts).
  // It serves only calls signed with the credentials it made at start and put in our environment.
  ...(endpoint
    ? {
        endpoint,
        credentials: {
          accessKeyId: process.env.STEPFUNCTIONS_ACCESS_KEY_ID ?? '',
          secretAccessKey: process.env.STEPFUNCTIONS_SECRET_ACCESS_KEY ?? '',
        },
      }
    : {}),
});
instrumentStepFunctions(sfn);

function machine(): string {
  if (!config.drainStateMachineArn) throw new Error('DRAIN_STATE_MACHINE_ARN is not set: drain deadlines cannot be scheduled');
  return config.drainStateMachineArn;
}

const executionArn = (nodeId: number, epoch: number) =>
  `${machine().replace(':stateMachine:', ':execution:')}:${executionName(nodeId, epoch)}`;

/**
 * Starts the deadline execution of one drain epoch. Its name is fixed by member and epoch,
 * so a retried start is the same execution, never a second one.
 */
export async function startDeadline(nodeId: number, drainEpoch: number, wakeAt: number): Promise<void> {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine(),
        name: executionName(nodeId, drainEpoch),
        input: JSON.stringify({
          nodeId,
          drainEpoch,
          checkFunction: process.env.DRAIN_CHECK_FUNCTION,
          wakeAt: new Date(wakeAt).toISOString(),
        }),
      }),
    );
  } catch (err) {
    // Started already for this epoch (a retry): the running execution keeps the drain.
    if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
  }
}

/** Stops a drain epoch's execution; one that finished or never started is fine. */
export async function stopDeadline(nodeId: number, drainEpoch: number): Promise<void> {
  try {
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(nodeId, drainEpoch) }));
  } catch (err) {
    if ((err as Error).name !== 'ExecutionDoesNotExist') throw err;
  }
}
