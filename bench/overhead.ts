/**
 * Section 3: throughput and latency through the local HTTP runtime against the raw store
 * doing the same conditional write or Query straight to DynamoDB Local, in the same run.
 * The raw heartbeat and renewal send the very command Roster's repositories build
 * (heartbeatWrite, renewWrite), with the capacity report Roster asks for; both sides run
 * once at 16 clients before anything is timed, so neither pays the emulator's warm-up, and
 * each cell alternates the two in three slices, so the machine's other load weighs on both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashCredential } from '../lib/identity/node-credentials';
import { heartbeatWrite } from '../lib/cluster/member-state-store';
import { renewWrite } from '../lib/leases/lease-store';
import { keys } from '../lib/store/keys';
import type { Node } from './fixture';
import { loadClient, measure, measurePair, ownCpu, type Cell, type CpuProbe } from './load';

export interface OverheadRow {
  op: string;
  concurrency: number;
  http: Cell;
  raw: Cell;
  ratio: number;
}

export async function measureOverhead(input: {
  endpoint: string;
  table: string;
  /** The runtime's base URL and a read-only user's bearer token, for the HTTP side. */
  url: string;
  readerToken: string;
  nodes: Node[];
  leases: { nodeId: number; name: string; token: number }[];
  concurrencies: number[];
  cellMs: number;
  /** The runtime process's CPU time (ms), so each HTTP cell reports the runtime's CPU per operation. */
  runtimeCpu: CpuProbe;
}): Promise<OverheadRow[]> {
  const { nodes, leases, table, cellMs } = input;
  const raw = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: input.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  // The members' raw read: one Query per member shard, side by side (lib/store/keys.ts MEMBER_SHARDS).
  const membersRaw = () =>
    Promise.all(
      keys.memberKeyspaces.map((space) =>
        raw.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
            ExpressionAttributeValues: { ':pk': space.partition, ':p': keys.memberPrefix },
          }),
        ),
      ),
    );
  const hashes = new Map(nodes.map((n) => [n.nodeId, hashCredential(n.token)]));
  const hashOf = (n: Node) => hashes.get(n.nodeId)!;
  const ok = (status: number) => {
    if (status >= 300) throw new Error(String(status));
  };
  const web = loadClient(input.url);
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const reader = as(input.readerToken);
  const ops: { op: string; http: (c: number) => Promise<unknown>; raw: (c: number) => Promise<unknown> }[] = [
    {
      op: 'heartbeat',
      http: async (c) => {
        const n = nodes[c % nodes.length]!;
        ok(await web.send('POST', `/api/v1/cluster/members/${n.nodeId}/heartbeat`, undefined, as(n.token)));
      },
      raw: (c) => {
        const n = nodes[c % nodes.length]!;
        return raw.send(new UpdateCommand({ ...heartbeatWrite(table, n.nodeId, hashOf(n), Date.now()), ReturnConsumedCapacity: 'TOTAL' }));
      },
    },
    {
      op: 'lease renew',
      http: async (c) => {
        const l = leases[c % leases.length]!;
        const n = nodes.find((x) => x.nodeId === l.nodeId)!;
        ok(await web.send('PUT', `/api/v1/leases/${l.name}`, { ttlSeconds: 600, fencingToken: l.token }, as(n.token)));
      },
      raw: (c) => {
        const l = leases[c % leases.length]!;
        const n = nodes.find((x) => x.nodeId === l.nodeId)!;
        return raw.send(
          new UpdateCommand({
            ...renewWrite(table, l.name, l.nodeId, hashOf(n), 600_000, Date.now(), l.token),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      },
    },
    {
      op: 'member list',
      http: async () => ok(await web.send('GET', '/api/v1/cluster/members', undefined, reader)),
      raw: () => membersRaw(),
    },
    {
      op: 'autopilot',
      http: async () => ok(await web.send('GET', '/api/v1/cluster/autopilot', undefined, reader)),
      raw: () => Promise.all([membersRaw(), raw.send(new GetCommand({ TableName: table, Key: keys.clusterMeta() }))]),
    },
  ];
  const rows: OverheadRow[] = [];
  for (const { http, raw: direct } of ops.slice(0, 2)) {
    await measure(16, Math.min(cellMs, 2_000), (c) => http(c));
    await measure(16, Math.min(cellMs, 2_000), (c) => direct(c));
  }
  for (const { op, http, raw: direct } of ops) {
    for (const concurrency of input.concurrencies) {
      const [viaHttp, viaStore] = await measurePair(
        concurrency,
        cellMs,
        3,
        (c) => http(c),
        (c) => direct(c),
        // The runtime's CPU beside the load generator's own on the raw side (its SDK call is the raw store's client work).
        { a: input.runtimeCpu, b: ownCpu },
      );
      rows.push({
        op,
        concurrency,
        http: viaHttp,
        raw: viaStore,
        ratio: viaStore.throughput ? viaHttp.throughput / viaStore.throughput : NaN,
      });
    }
  }
  raw.destroy();
  web.close();
  return rows;
}
