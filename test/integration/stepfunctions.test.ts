import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validator from 'asl-validator';
import { randomBytes } from 'node:crypto';
import definition from '../../infra/drain-deadline.asl.json';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/stepfunctions';

let sfn: LocalStepFunctions;
let client: SFNClient;
const credentials = { accessKeyId: 'roster-local', secretAccessKey: randomBytes(32).toString('base64url') };
const calls: { fn: string; payload: any; at: number }[] = [];
/** drain-check stand-in: reports drained on the call its payload's epoch names. */
const doneOnCall = new Map<number, number>();

beforeAll(async () => {
  sfn = await startLocalStepFunctions({
    machines: { 'drain-deadline': definition },
    credentials,
    invoke: async (fn, payload: any) => {
      calls.push({ fn, payload, at: Date.now() });
      const n = calls.filter((c) => c.payload.drainEpoch === payload.drainEpoch).length;
      return { done: n >= (doneOnCall.get(payload.drainEpoch) ?? 1), wakeAt: new Date(Date.now() + 200).toISOString() };
    },
  });
  client = new SFNClient({ endpoint: sfn.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await sfn?.close();
});

const wakeAts = new Map<number, number>();
const input = (epoch: number, wakeInMs: number) => {
  const wakeAt = Date.now() + wakeInMs;
  wakeAts.set(epoch, wakeAt);
  return JSON.stringify({
    nodeId: 7,
    drainEpoch: epoch,
    checkFunction: 'roster-local-drain-check',
    wakeAt: new Date(wakeAt).toISOString(),
  });
};

async function settled(executionArn: string) {
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('execution did not finish');
}

describe('the drain-deadline state machine', () => {
  it('passes asl-validator', () => {
    const { isValid, errorsText } = validator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('waits until wakeAt, then asks drain-check, and loops until it reports done', async () => {
    doneOnCall.set(1, 2);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.arnOf('drain-deadline'), name: 'drain-7-1', input: input(1, 600) }),
    );
    const done = await settled(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    const mine = calls.filter((c) => c.payload.drainEpoch === 1);
    expect(mine).toHaveLength(2);
    // The Wait state held the task until wakeAt (timers may fire a few ms early).
    expect(mine[0]!.at).toBeGreaterThanOrEqual(wakeAts.get(1)! - 20);
    expect(mine[0]).toMatchObject({ fn: 'roster-local-drain-check', payload: { nodeId: 7, drainEpoch: 1 } });

    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = events!.map((e) => e.type);
    expect(types).toContain('WaitStateEntered');
    expect(types).toContain('TaskStateEntered');
    expect(types.filter((t) => t === 'TaskStateEntered')).toHaveLength(2);
  });

  it('treats a repeated start with the same name and input as the same execution, and refuses other input', async () => {
    const args = { stateMachineArn: sfn.arnOf('drain-deadline'), name: 'drain-7-2', input: input(2, 5_000) };
    const first = await client.send(new StartExecutionCommand(args));
    const again = await client.send(new StartExecutionCommand(args));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(client.send(new StartExecutionCommand({ ...args, input: input(3, 10) }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  it('never calls drain-check after the execution is stopped', async () => {
    // wakeAt lies far beyond the start and stop calls, however slow the machine; the check runs after it.
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.arnOf('drain-deadline'), name: 'drain-7-4', input: input(4, 3_000) }),
    );
    await client.send(new StopExecutionCommand({ executionArn }));
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    const stopped = Date.now();
    const wakeAt = wakeAts.get(4)!;
    await new Promise((r) => setTimeout(r, Math.max(0, wakeAt - Date.now()) + 1_000));
    expect(calls.filter((c) => c.payload.drainEpoch === 4 && c.at >= stopped)).toHaveLength(0);
  });

  it('listens on loopback only', () => {
    expect(new URL(sfn.endpoint).hostname).toBe('127.0.0.1');
  });

  it('refuses calls that are unsigned or signed with any other credentials, and starts nothing for them', async () => {
    const name = 'drain-7-5';
    const args = { stateMachineArn: sfn.arnOf('drain-deadline'), name, input: input(5, 0) };
    const stranger = new SFNClient({
      endpoint: sfn.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'roster-local', secretAccessKey: 'guessed' },
      maxAttempts: 1,
    });
    try {
      await expect(stranger.send(new StartExecutionCommand(args))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    } finally {
      stranger.destroy();
    }
    const unsigned = await fetch(sfn.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
      body: JSON.stringify(args),
    });
    expect(unsigned.status).toBe(403);
    const executionArn = `${args.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    await expect(client.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect(calls.filter((c) => c.payload.drainEpoch === 5)).toHaveLength(0);
  });
});
