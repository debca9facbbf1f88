/**
 * Section 2: what one operation costs in AWS calls. The cluster is set up through one
 * runtime; then a second runtime on the same table (fresh modules: a fresh container on
 * Lambda) runs each operation, and runs it again. The first is the cold call (caches
 * empty: the signing keyring, the cluster item), the second the warm one, which is the
 * steady state of a Lambda that keeps serving. Each call's usage is read from the
 * request's summary log line, where the SDK middleware counted every DynamoDB and Step
 * Functions call (by operation) and the capacity consumed.
 */
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { join as joinPath } from 'node:path';
import { superviseRuntime, type Runtime } from '../infra/local/supervise';
import { routes } from '../lib/http/routes';
import { keys, LEASE_SHARDS, MEMBER_SHARDS } from '../lib/store/keys';
import { itemBytes, readUnits, writeUnits, type Billed, type Item } from './billing';
import type { Usage } from '../lib/metrics';
import { accessToken } from '../test/support/auth';
import { client, call, type Answer } from '../test/support/http';
import type { Cluster } from './fixture';
import { deployedSettings, gatewayEvent, runEnvironment, type Steady } from './environment';
import { PRICED } from './price';

/**
 * A priced operation is called PRICE_WARMUP more times before PRICE_SAMPLES are timed here,
 * for its time through the runtime ("ms here").
 */
const PRICE_WARMUP = 25;
const PRICE_SAMPLES = 9;
/**
 * Its CPU is read in an environment of its own (./environment): a container that keeps
 * serving runs code the JIT has long compiled, which the first thousand calls have not.
 * Each phase stops at its count or its time, whichever comes first (a login is ~0.4 s).
 */
export const STEADY: Steady = { warmCalls: 2_000, warmMs: 10_000, sampleCalls: 500, sampleMs: 5_000 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface CostRow {
  op: string;
  status: number;
  /** The first call of its function in a fresh container, when this row's call was that first one. */
  cold?: Usage;
  /** The call again, in the same container: what the verdict judges. */
  warm?: Usage;
  minimum: string;
  meetsMinimum?: boolean;
  /** Issue #9's figure, where it is below what the contract allows: judged too, so a miss stays visible. */
  target?: string;
  meetsTarget?: boolean;
  /**
   * The warm call's handler time here (the summary line's `ms`; for the priced operations
   * the median of PRICE_SAMPLES), the CPU it spent and its summary line's size. For the
   * priced operations the CPU is the mean of a steady environment's invocations
   * (`steadyCalls` of them: STEADY), else the summary line's `cpuMs` of the one warm call.
   */
  warmMs?: number;
  warmCpuMs?: number;
  steadyCalls?: number;
  /** The steady environment's peak resident memory (MB): what the function's memory size must hold. */
  peakMemoryMb?: number;
  warmLogBytes?: number;
  /** What AWS bills the warm call, from the sizes of the items it touched (./billing), where computed. */
  billed?: Billed;
}

/** The summary line the runtime logged for one request. */
export async function summaryLineOf(rt: Runtime, answer: Answer): Promise<string | undefined> {
  const id = answer.headers.get('x-request-id');
  for (let i = 0; i < 20; i++) {
    const line = rt.logs().find((l) => l.startsWith('{') && l.includes(`"requestId":"${id}"`) && l.includes('"msg":"request"'));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

/** The usage the runtime logged for one request. */
export async function usageOf(rt: Runtime, answer: Answer): Promise<Usage | undefined> {
  const line = await summaryLineOf(rt, answer);
  return line ? (JSON.parse(line) as { usage: Usage }).usage : undefined;
}

export const calls = (u?: Usage) => (u ? `${u.dynamodb.calls}${u.stepfunctions.calls ? ` + ${u.stepfunctions.calls} sfn` : ''}` : '-');

/** `GetItem 1, Query 2`: which calls they were. */
export const opsOf = (u?: Usage) =>
  u?.dynamodb.ops
    ? Object.entries(u.dynamodb.ops)
        .map(([op, n]) => `${op.replace(/Items?$/, '')} ${n}`)
        .join(', ')
    : '-';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs each operation cold and warm and reads what it cost. `setup` is the runtime the
 * cluster was built through; `table` and `secret` are its table and signing key.
 */
export async function measureCosts(setup: Runtime, cluster: Cluster, dist: string, env: Record<string, string>): Promise<CostRow[]> {
  const join = (nodeId: number) => cluster.join(nodeId).then((j) => j.node);
  // The leader, a peer to hold leases that lapse, and members to drain (each holding a live lease).
  await join(9001);
  const peer = await join(9010);
  const drainees = [await join(9020), await join(9021)];
  for (const [i, node] of drainees.entries()) {
    const held = await node.put(`/api/v1/leases/drainee-${i}`, { ttlSeconds: 600 });
    if (held.status !== 200) throw new Error(`drainee lease: ${held.status} ${held.text}`);
  }
  for (const name of ['lapsed-1', 'lapsed-2']) await peer.put(`/api/v1/leases/${name}`, { ttlSeconds: 1 });
  const admin = client(setup.url, {
    authorization: `Bearer ${(await cluster.anonymous.post('/api/v1/auth/login', ADMIN)).body.result.token}`,
  });
  const apiToken = (await admin.post('/api/v1/users/me/api-tokens', { name: 'bench' })).body.result.token as string;

  // What AWS would bill is computed from the items themselves, read straight from the table.
  const store = new DynamoDBClient({
    endpoint: env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const TableName = setup.env.TABLE_NAME!;
  const marshalled = (key: Record<string, string>) => Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]));
  const item = async (key: Record<string, string>): Promise<Item> =>
    (await store.send(new GetItemCommand({ TableName, Key: marshalled(key), ConsistentRead: true }))).Item ?? {};
  const query = async (input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> =>
    (await store.send(new QueryCommand({ TableName, ...input }))).Items ?? [];
  const itemBytesOf = (i: Item) => itemBytes(i);

  // A fresh container for every function: the second runtime, on the same table and key.
  const rt = await superviseRuntime(dist, {
    ...env,
    TABLE_NAME: setup.env.TABLE_NAME!,
    TOKEN_SECRET: setup.env.TOKEN_SECRET!,
    // Every summary line: each row's usage is read from its request's line.
    ROSTER_NODE_LOG_SAMPLE: '1',
  });
  // A priced operation's own environment: the deployed settings, on the same table and key.
  const lone: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    ...deployedSettings(),
    TABLE_NAME: setup.env.TABLE_NAME!,
    TOKEN_SECRET: setup.env.TOKEN_SECRET!,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_NO_WARNINGS: '1',
  };
  const eventOf = (fn: string, input: Parameters<typeof gatewayEvent>[1]) => gatewayEvent(routes.find((r) => r.fn === fn)!, input);
  const withBearer = (token: string) => ({ authorization: `Bearer ${token}` });
  try {
    const anon = client(rt.url);
    const as = (headers: Record<string, string>) => client(rt.url, headers);
    const bearer = (token: string) => as({ authorization: `Bearer ${token}` });
    const operator = bearer(await accessToken(setup, 'operator'));
    const readonlyToken = await accessToken(setup, 'readonly');
    const readonly = bearer(readonlyToken);
    const rows: CostRow[] = [];
    const usage = async (answer: Answer) => (answer.status < 400 ? usageOf(rt, answer) : undefined);
    /** Runs `first` (cold unless its function already ran) and `again` (warm), and records the row. */
    const row = async (
      op: string,
      minimum: string,
      meets: (u: Usage) => boolean,
      first: (() => Promise<Answer>) | undefined,
      again: () => Promise<Answer>,
      bill?: (warm: Usage | undefined) => Promise<Billed>,
      /** For a priced operation: the same call as API Gateway's event, for its environment of its own. */
      event?: unknown,
    ) => {
      const cold = first ? await first() : undefined;
      const warm = await again();
      const billed = warm.status < 400 && bill ? await bill(await usage(warm)) : undefined;
      const warmUsage = await usage(warm);
      const warmLine = warm.status < 400 ? await summaryLineOf(rt, warm) : undefined;
      let timed: { ms: number; cpuMs: number }[] = warmLine ? [JSON.parse(warmLine)] : [];
      if (warmLine && op in PRICED) {
        for (let i = 0; i < PRICE_WARMUP; i++) await again();
        timed = [];
        for (let i = 0; i < PRICE_SAMPLES; i++) {
          const line = await summaryLineOf(rt, await again());
          if (line) timed.push(JSON.parse(line));
        }
      }
      const steady =
        event && PRICED[op]
          ? (await runEnvironment(joinPath(dist, 'functions', `${PRICED[op]}.mjs`), lone, event, STEADY)).steady
          : undefined;
      const issue = Object.entries(issueTargets).find(([prefix]) => op.startsWith(prefix))?.[1];
      rows.push({
        op,
        status: cold && cold.status >= 400 ? cold.status : warm.status,
        cold: cold ? await usage(cold) : undefined,
        warm: warmUsage,
        minimum,
        meetsMinimum: warmUsage ? meets(warmUsage) : undefined,
        ...(issue ? { target: issue.target, meetsTarget: warmUsage ? issue.meets(warmUsage) : undefined } : {}),
        ...(billed ? { billed } : {}),
        ...(warmLine
          ? {
              warmMs: median(timed.map((t) => t.ms)),
              warmCpuMs: steady?.cpuMs ?? median(timed.map((t) => t.cpuMs)),
              ...(steady ? { steadyCalls: steady.calls, peakMemoryMb: steady.maxRssMb } : {}),
              warmLogBytes: Buffer.byteLength(warmLine) + 1,
            }
          : {}),
      });
    };
    const dynamo = (u: Usage) => u.dynamodb.calls;
    const only = (u: Usage, ops: Record<string, number>) =>
      u.dynamodb.calls === Object.values(ops).reduce((a, b) => a + b, 0) &&
      Object.entries(ops).every(([op, n]) => (u.dynamodb.ops?.[op] ?? 0) === n);
    /** The issue's minimums that the contract's guarantees put out of reach (see the README): still judged. */
    const issueTargets: Record<string, { target: string; meets: (u: Usage) => boolean }> = {
      'lease acquire': { target: '1 transaction', meets: (u) => only(u, { TransactWriteItems: 1 }) },
      'drain start': { target: '1 write + 1 StartExecution', meets: (u) => dynamo(u) === 1 && u.stepfunctions.calls === 1 },
      // Out of reach since the members and the held-lease index were sharded (#19.7): a page in node id order reads every shard.
      'one page of members': { target: '1 Query', meets: (u) => only(u, { Query: 1 }) },
    };

    const joinAs = async (nodeId: number) => anon.post('/api/v1/cluster/join', cluster.joinBody(await cluster.mint(nodeId), nodeId));
    let joined: Answer | undefined;
    await row(
      'join',
      "1 transaction + 1 BatchGetItem (the cluster item: voters' pins, leader; the member)",
      (u) => only(u, { TransactWriteItems: 1, BatchGetItem: 1 }),
      () => joinAs(9002).then((a) => (joined = a)),
      () => joinAs(9003),
    );
    const nodeToken = joined!.body.result.nodeToken as string;
    const node = bearer(nodeToken);

    await row(
      'heartbeat',
      '1 write',
      (u) => only(u, { UpdateItem: 1 }),
      () => node.post('/api/v1/cluster/members/9002/heartbeat'),
      () => node.post('/api/v1/cluster/members/9002/heartbeat'),
      async (warm) => {
        const member = await item(keys.member(9002));
        const parts = [`UpdateItem of the member (${itemBytesOf(member)} B): ${writeUnits(member)} WCU`];
        // A heartbeat that also read the cluster item (consistently) pays for that read too.
        const reads = warm?.dynamodb.ops?.GetItem ?? 0;
        const meta = reads ? readUnits([await item(keys.clusterMeta())], { consistent: true }) * reads : 0;
        if (reads) parts.push(`${reads} consistent GetItem of the cluster item: ${meta} RCU`);
        return { rcu: meta, wcu: writeUnits(member), parts };
      },
      eventOf('member-heartbeat', { params: { id: '9002' }, headers: withBearer(nodeToken) }),
    );
    const minimumAcquire = '1 transaction + 1 Query (MAX_LEASES_PER_NODE) + 1 read (range id)';
    const acquires = (u: Usage) => only(u, { TransactWriteItems: 1, Query: 1, GetItem: 1 });
    await row(
      'lease acquire (new name)',
      minimumAcquire,
      acquires,
      () => node.put('/api/v1/leases/fresh-1', { ttlSeconds: 60 }),
      () => node.put('/api/v1/leases/fresh-2', { ttlSeconds: 60 }),
    );
    await sleep(1_100); // the peer's leases lapse
    await row('lease acquire (lapsed, another holder)', minimumAcquire, acquires, undefined, () =>
      node.put('/api/v1/leases/lapsed-1', { ttlSeconds: 60 }),
    );
    const token = (await node.put('/api/v1/leases/fresh-2', { ttlSeconds: 60 })).body.result.fencingToken as number;
    await row(
      'lease renew',
      '1 write',
      (u) => only(u, { UpdateItem: 1 }),
      undefined,
      () => node.put('/api/v1/leases/fresh-2', { ttlSeconds: 60, fencingToken: token }),
      async () => {
        const lease = await item(keys.lease('fresh-2'));
        return {
          rcu: 0,
          wcu: writeUnits(lease),
          parts: [`UpdateItem of the lease (${itemBytesOf(lease)} B, in the held-lease index too): ${writeUnits(lease)} WCU`],
        };
      },
      eventOf('lease-put', { params: { name: 'fresh-2' }, headers: withBearer(nodeToken), body: { ttlSeconds: 60, fencingToken: token } }),
    );
    const fresh1 = (await node.get('/api/v1/leases/fresh-1')).body.result.fencingToken as number;
    await row(
      'lease release',
      '1 write',
      (u) => only(u, { UpdateItem: 1 }),
      () => node.delete(`/api/v1/leases/fresh-1?fencingToken=${fresh1}`),
      () => node.delete(`/api/v1/leases/fresh-2?fencingToken=${token}`),
    );
    await row(
      'drain start (1 live lease)',
      '1 transaction + 1 Query (live leases) + 1 write per lease + 1 StartExecution + 1 read (the caller\u2019s session)',
      (u) => only(u, { TransactWriteItems: 1, Query: 1, UpdateItem: 1, GetItem: 1 }) && u.stepfunctions.calls === 1,
      () => operator.post('/api/v1/cluster/members/9020/drain', { deadlineSeconds: 600 }),
      () => operator.post('/api/v1/cluster/members/9021/drain', { deadlineSeconds: 600 }),
    );
    await row(
      'resume',
      '1 read (the epoch to stop) + 1 transaction + 1 StopExecution + 1 read (the caller\u2019s session)',
      (u) => only(u, { GetItem: 2, TransactWriteItems: 1 }) && u.stepfunctions.calls === 1,
      () => operator.post('/api/v1/cluster/members/9020/resume'),
      () => operator.post('/api/v1/cluster/members/9021/resume'),
    );
    await row(
      'one page of members',
      `1 key-only Query per member shard (${MEMBER_SHARDS}) + 1 BatchGetItem (the page) + 1 index Query per held-lease shard the page spans (≤ ${LEASE_SHARDS}: activeLeases) + 1 read (leader, total) + 1 read (the caller\u2019s session)`,
      (u) =>
        (u.dynamodb.ops?.Query ?? 0) <= MEMBER_SHARDS + LEASE_SHARDS &&
        u.dynamodb.ops?.BatchGetItem === 1 &&
        (u.dynamodb.ops?.GetItem ?? 0) <= 2 &&
        u.dynamodb.calls === (u.dynamodb.ops?.Query ?? 0) + 1 + (u.dynamodb.ops?.GetItem ?? 0),
      () => readonly.get('/api/v1/cluster/members?page=1&per_page=50'),
      () => readonly.get('/api/v1/cluster/members?page=1&per_page=50'),
      async () => {
        // A Query bills the items it reads whole, whatever it projects: each shard's first 50.
        const shards = await Promise.all(
          keys.memberKeyspaces.map((space) =>
            query({
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
              ExpressionAttributeValues: { ':pk': { S: space.partition }, ':p': { S: keys.memberPrefix } },
              Limit: 50,
            }),
          ),
        );
        const page = shards.flat().length;
        const meta = await item(keys.clusterMeta());
        // The held-lease index's shards (by holder): a page of members touches every one.
        const held = await Promise.all(
          keys
            .heldPartitions(1, Number.MAX_SAFE_INTEGER)
            .map((pk) =>
              query({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }),
            ),
        );
        const parts = [
          [
            `${shards.length} key-only Queries of the member shards`,
            shards.reduce((n, items) => n + readUnits(items, { consistent: false }), 0),
          ],
          // BatchGetItem bills each item on its own, rounded up to 4 KB.
          [
            `BatchGetItem of ${Math.min(50, page)} members`,
            shards
              .flat()
              .slice(0, 50)
              .reduce((n, i) => n + readUnits([i], { consistent: false }), 0),
          ],
          ['GetItem of the cluster item', readUnits([meta], { consistent: false })],
          [
            `${held.length} held-lease index Queries (${held.flat().length} items)`,
            held.reduce((n, items) => n + readUnits(items, { consistent: false }), 0),
          ],
        ] as const;
        return { rcu: parts.reduce((n, [, u]) => n + u, 0), wcu: 0, parts: parts.map(([what, u]) => `${what}: ${u} RCU (eventual)`) };
      },
      eventOf('members-list', { query: { page: '1', per_page: '50' }, headers: withBearer(readonlyToken) }),
    );
    await row(
      'autopilot',
      `1 key-range Query per member shard (${MEMBER_SHARDS}) + the cluster item + 1 read (the caller\u2019s session)`,
      (u) => only(u, { Query: MEMBER_SHARDS, GetItem: 2 }),
      () => readonly.get('/api/v1/cluster/autopilot'),
      () => readonly.get('/api/v1/cluster/autopilot'),
    );
    await row(
      'login',
      '1 read (user, failures) + 2 writes (a hashing slot taken and given back) + 1 transaction (the session and its user\u2019s pointer)',
      (u) => only(u, { BatchGetItem: 1, UpdateItem: 2, TransactWriteItems: 1 }),
      () => anon.post('/api/v1/auth/login', ADMIN),
      () => anon.post('/api/v1/auth/login', ADMIN),
      undefined,
      eventOf('auth-login', { body: ADMIN }),
    );
    const session = (await anon.post('/api/v1/auth/login', ADMIN)).body.result.token as string;
    const crdb = (
      await call(rt.url, 'POST', '/api/v2/login/', {
        body: new URLSearchParams({ username: ADMIN.email, password: ADMIN.password }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).body.session as string;
    // What each credential adds to any operation, on a route that does nothing else.
    const lookup = (c: ReturnType<typeof client>) => () => c.post('/api/v1/auth/lookup-token');
    // Every access token is bound to its session (a logout, a demotion, a deletion ends it at the next request).
    await row('credential: access token', '1 read (its session)', (u) => only(u, { GetItem: 1 }), lookup(readonly), lookup(readonly));
    const credentials: [string, string, number, ReturnType<typeof client>][] = [
      ['access token from a login', '1 read (the session: logout ends it at once)', 1, bearer(session)],
      ['API token', '2 reads (the token, then its owner\u2019s role)', 2, bearer(apiToken)],
      [
        'CockroachDB session',
        '1 read (the session, which carries the role: a demotion ends it)',
        1,
        as({ 'x-cockroach-api-session': crdb }),
      ],
    ];
    for (const [kind, minimum, reads, caller] of credentials) {
      await row(`credential: ${kind}`, minimum, (u) => only(u, { GetItem: reads }), undefined, lookup(caller));
    }
    return rows;
  } finally {
    store.destroy();
    await rt.stop();
  }
}

export const ADMIN = { email: 'bench@roster.test', password: 'bench-password-1' };
