/**
 * Section 2: what one operation costs in AWS calls. Each operation runs once through the
 * local runtime; its usage is read from the request's summary log line, where the SDK
 * middleware counted every DynamoDB and Step Functions call and the capacity consumed.
 */
import type { Runtime } from '../infra/local/supervise';
import type { Usage } from '../lib/metrics';
import { client, type Answer } from '../test/support/http';
import type { Cluster } from './fixture';

export interface CostRow {
  op: string;
  status: number;
  usage?: Usage;
  minimum: string;
  meetsMinimum?: boolean;
}

/** The usage the runtime logged for one request. */
export async function usageOf(rt: Runtime, answer: Answer): Promise<Usage | undefined> {
  const id = answer.headers.get('x-request-id');
  for (let i = 0; i < 20; i++) {
    const line = rt.logs().find((l) => l.startsWith('{') && l.includes(`"requestId":"${id}"`) && l.includes('"msg":"request"'));
    if (line) return (JSON.parse(line) as { usage: Usage }).usage;
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

export const calls = (u?: Usage) => (u ? `${u.dynamodb.calls}${u.stepfunctions.calls ? ` + ${u.stepfunctions.calls} sfn` : ''}` : '-');

/** Runs each operation once and reads what it cost. */
export async function measureCosts(rt: Runtime, cluster: Cluster): Promise<CostRow[]> {
  const rows: CostRow[] = [];
  const record = async (op: string, minimum: string, answer: Answer, meets: (u: Usage) => boolean) => {
    const usage = answer.status < 400 ? await usageOf(rt, answer) : undefined;
    rows.push({ op, status: answer.status, usage, minimum, meetsMinimum: usage ? meets(usage) : undefined });
  };
  const dynamo = (u: Usage) => u.dynamodb.calls;

  // Two members, so the second (not the leader) can be drained.
  await cluster.join(9001);
  const joinAnswer = await cluster.anonymous.post('/api/v1/cluster/join', cluster.joinBody(await cluster.mint(9002), 9002));
  await record('join', '1 transaction (+ token checks)', joinAnswer, (u) => dynamo(u) <= 3);
  const node = client(rt.url, { authorization: `Bearer ${joinAnswer.body.result.nodeToken}` });

  await record('heartbeat', '1 write', await node.post('/api/v1/cluster/members/9002/heartbeat'), (u) => dynamo(u) === 1);
  const acquired = await node.put('/api/v1/leases/bench-a', { ttlSeconds: 60 });
  await record('lease acquire (new name)', '1 transaction', acquired, (u) => dynamo(u) === 1);
  await node.put('/api/v1/leases/bench-b', { ttlSeconds: 1 });
  await new Promise((r) => setTimeout(r, 1_100));
  await record(
    'lease acquire (existing)',
    '1 transaction',
    await node.put('/api/v1/leases/bench-b', { ttlSeconds: 60 }),
    (u) => dynamo(u) === 1,
  );
  const token = acquired.body.result.fencingToken;
  await record(
    'lease renew',
    '1 write',
    await node.put('/api/v1/leases/bench-a', { ttlSeconds: 60, fencingToken: token }),
    (u) => dynamo(u) === 1,
  );
  await record('lease release', '1 write', await node.delete(`/api/v1/leases/bench-a?fencingToken=${token}`), (u) => dynamo(u) === 1);
  await record(
    'drain start',
    '1 write + 1 StartExecution',
    await cluster.operator.post('/api/v1/cluster/members/9002/drain', { deadlineSeconds: 600 }),
    (u) => dynamo(u) === 1 && u.stepfunctions.calls === 1,
  );
  await record(
    'resume',
    '1 write + 1 StopExecution',
    await cluster.operator.post('/api/v1/cluster/members/9002/resume'),
    (u) => dynamo(u) === 1,
  );
  await record(
    'one page of members',
    '1 Query',
    await cluster.readonly.get('/api/v1/cluster/members?page=1&per_page=50'),
    (u) => dynamo(u) === 1,
  );
  await record(
    'autopilot',
    '1 Query stream + the cluster item',
    await cluster.readonly.get('/api/v1/cluster/autopilot'),
    (u) => dynamo(u) <= 2,
  );
  const login = await cluster.anonymous.post('/api/v1/auth/login', { email: 'bench@roster.test', password: 'bench-password-1' });
  await record('login', '1 read + 1 write (the session)', login, (u) => dynamo(u) <= 2);
  return rows;
}
