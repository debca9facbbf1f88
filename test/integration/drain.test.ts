import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients, eventually, sleep } from '../support/cluster';
import { startRuntime, type Runtime } from '../support/runtime';

let rt: Runtime;
let c: Awaited<ReturnType<typeof clusterClients>>;
let nextId = 100;

beforeAll(async () => {
  rt = await startRuntime({ ROSTER_WATCHER_INTERVAL_SECONDS: '1' });
  c = await clusterClients(rt);
  await c.join(1); // the first member leads; the drained members below do not
});
afterAll(() => rt?.stop());

/** A node joins with a fresh token and gets its own client. */
async function join(nodeId = nextId++) {
  return { nodeId, node: (await c.join(nodeId)).node };
}

const state = async (nodeId: number) => (await c.admin.get(`/api/v1/cluster/members/${nodeId}`)).body.result.drainState;
const lease = async (name: string) => (await c.admin.get(`/api/v1/leases/${name}`)).body.result;

/** The local Step Functions, and the latest drain execution of a member. */
function stepFunctions() {
  const { endpoint, machineArn, credentials } = rt.stepFunctions();
  const sfn = new SFNClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const latest = async (nodeId: number) => {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    return executions.find((e) => e.name?.startsWith(`drain-${nodeId}-`))?.executionArn;
  };
  return { sfn, latest };
}

describe('drain with a deadline', () => {
  it('keeps a member draining until its 10 s deadline, then drains it and revokes its lease', async () => {
    const { nodeId, node } = await join();
    const held = await node.put('/api/v1/leases/job-a', { ttlSeconds: 60 });
    expect(held.status).toBe(200);
    // 10 s: room for the checks before the deadline on a loaded two-core machine.
    const drain = await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 10 });
    expect(drain.status).toBe(200);
    expect(drain.body.result).toEqual({ drainState: 'draining' });
    expect(await state(nodeId)).toBe('draining');
    expect((await node.put('/api/v1/leases/job-new', { ttlSeconds: 60 })).status).toBe(409);
    expect(await eventually(async () => (await state(nodeId)) === 'drained', 30_000)).toBe(true);
    expect((await lease('job-a')).holder).toBeNull();
    const renew = await node.put('/api/v1/leases/job-a', { ttlSeconds: 60, fencingToken: held.body.result.fencingToken });
    expect(renew.status).toBe(409);
  });

  it('drains at once when the member releases its last lease before the deadline', async () => {
    const { nodeId, node } = await join();
    const held = (await node.put('/api/v1/leases/job-b', { ttlSeconds: 60 })).body.result;
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 600 });
    expect(await state(nodeId)).toBe('draining');
    expect((await node.delete(`/api/v1/leases/job-b?fencingToken=${held.fencingToken}`)).status).toBe(200);
    expect(await state(nodeId)).toBe('drained');
  });

  it('drains once its last lease expires before the deadline', async () => {
    const { nodeId, node } = await join();
    // 6 s: the drain and the first read land well before the lease lapses, however slow the machine.
    await node.put('/api/v1/leases/job-c', { ttlSeconds: 6 });
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 600 });
    expect(await state(nodeId)).toBe('draining');
    expect(await eventually(async () => (await state(nodeId)) === 'drained', 20_000)).toBe(true);
  });

  it('is drained at once when it holds no lease, and with deadline 0', async () => {
    const a = await join();
    expect((await c.operator.post(`/api/v1/cluster/members/${a.nodeId}/drain`, { deadlineSeconds: 30 })).body.result).toEqual({
      drainState: 'drained',
    });
    const b = await join();
    await b.node.put('/api/v1/leases/job-d', { ttlSeconds: 60 });
    expect((await c.operator.post(`/api/v1/cluster/members/${b.nodeId}/drain`, {})).body.result).toEqual({ drainState: 'drained' });
    expect((await lease('job-d')).holder).toBeNull();
  });

  it('is idempotent: draining a draining or drained member changes nothing', async () => {
    const { nodeId, node } = await join();
    await node.put('/api/v1/leases/job-e', { ttlSeconds: 60 });
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 600 });
    const again = await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 0 });
    expect(again.body.result).toEqual({ drainState: 'draining' });
    expect((await lease('job-e')).holder).toBe(nodeId);
  });

  it('stays active after the deadline when resumed before it', async () => {
    const { nodeId, node } = await join();
    await node.put('/api/v1/leases/job-f', { ttlSeconds: 60 });
    // The deadline leaves room for a slow machine to deliver the resume before it.
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 8 });
    const deadline = Date.now() + 8_000; // the server's deadline is no later than this
    expect(await state(nodeId)).toBe('draining');
    const resumed = await c.operator.post(`/api/v1/cluster/members/${nodeId}/resume`);
    expect(resumed.body.result).toEqual({ message: 'Cluster member resumed' });
    expect((await c.operator.post(`/api/v1/cluster/members/${nodeId}/resume`)).status).toBe(200);
    await sleep(deadline + 3_000 - Date.now()); // well past the deadline
    expect(await state(nodeId)).toBe('active');
    expect((await lease('job-f')).holder).toBe(nodeId);
  });

  it('after resume and a new drain, counts only the new epoch deadline', async () => {
    const { nodeId, node } = await join();
    await node.put('/api/v1/leases/job-g', { ttlSeconds: 120 });
    // Margins on both sides: the resume lands before the first deadline, the check after it and long before the second.
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 4 });
    const firstDeadline = Date.now() + 4_000; // the server's first deadline is no later than this
    expect((await c.operator.post(`/api/v1/cluster/members/${nodeId}/resume`)).body.result).toEqual({ message: 'Cluster member resumed' });
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 20 });
    await sleep(firstDeadline + 3_000 - Date.now()); // past the first epoch's deadline
    expect(await state(nodeId)).toBe('draining');
    expect(await eventually(async () => (await state(nodeId)) === 'drained', 30_000)).toBe(true);
  }, 90_000);

  it('records the Wait and Task states in the execution history', async () => {
    const { nodeId, node } = await join();
    await node.put('/api/v1/leases/job-h', { ttlSeconds: 60 });
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 1 });
    expect(await eventually(async () => (await state(nodeId)) === 'drained', 8_000)).toBe(true);
    const { sfn, latest } = stepFunctions();
    const executionArn = await latest(nodeId);
    expect(executionArn).toBeTruthy();
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = events.map((e) => e.type);
    expect(types).toContain('WaitStateEntered');
    expect(types).toContain('TaskStateEntered');
    sfn.destroy();
  });

  it('completes the drain through the watcher when the execution is aborted', async () => {
    const { nodeId, node } = await join();
    await node.put('/api/v1/leases/job-i', { ttlSeconds: 120 });
    await c.operator.post(`/api/v1/cluster/members/${nodeId}/drain`, { deadlineSeconds: 5 });
    const { sfn, latest } = stepFunctions();
    const executionArn = await latest(nodeId);
    expect(executionArn).toBeTruthy();
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    sfn.destroy();
    expect(await state(nodeId)).toBe('draining');
    expect(await eventually(async () => (await state(nodeId)) === 'drained', 15_000)).toBe(true);
    expect((await lease('job-i')).holder).toBeNull();
  });
});

describe('one lease, many nodes', () => {
  it('has one holder among 50 racing nodes, and fencing tokens strictly increase across holders', async () => {
    const nodes = await Promise.all(Array.from({ length: 50 }, () => join()));
    // 5 s leases: a round of 50 racing requests ends long before its winner's lease can lapse on a slow machine.
    const answers = await Promise.all(nodes.map(({ node }) => node.put('/api/v1/leases/race', { ttlSeconds: 5 })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(49);
    const tokens = [answers.find((a) => a.status === 200)!.body.result.fencingToken as number];
    for (let round = 0; round < 2; round++) {
      await sleep(5_500); // the winner's 5 s lease, granted before the round ended, lapses
      const next = await Promise.all(nodes.map(({ node }) => node.put('/api/v1/leases/race', { ttlSeconds: 5 })));
      const winners = next.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      tokens.push(winners[0]!.body.result.fencingToken);
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
  }, 120_000);
});
