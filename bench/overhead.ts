/**
 * Section 3: throughput and latency through the local HTTP runtime against the raw store
 * doing the same conditional write or Query straight to DynamoDB Local, in the same run.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../lib/store/keys';
import type { Cluster, Node } from './fixture';
import { measure, type Cell } from './load';

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
  cluster: Cluster;
  nodes: Node[];
  leases: { nodeId: number; name: string; token: number }[];
  concurrencies: number[];
  cellMs: number;
}): Promise<OverheadRow[]> {
  const { cluster, nodes, leases, table, cellMs } = input;
  const raw = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: input.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const ok = (status: number) => {
    if (status >= 300) throw new Error(String(status));
  };
  const ops: { op: string; http: (c: number) => Promise<unknown>; raw: (c: number) => Promise<unknown> }[] = [
    {
      op: 'heartbeat',
      http: async (c) => ok((await cluster.beat(nodes[c % nodes.length]!.node, nodes[c % nodes.length]!.nodeId)).status),
      raw: (c) =>
        raw.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.member(nodes[c % nodes.length]!.nodeId),
            UpdateExpression: 'SET lastHeartbeatAt = :now',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':now': Date.now() },
          }),
        ),
    },
    {
      op: 'lease renew',
      http: async (c) => {
        const l = leases[c % leases.length]!;
        const node = nodes.find((n) => n.nodeId === l.nodeId)!.node;
        ok((await node.put(`/api/v1/leases/${l.name}`, { ttlSeconds: 600, fencingToken: l.token })).status);
      },
      raw: (c) => {
        const l = leases[c % leases.length]!;
        return raw.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.lease(l.name),
            UpdateExpression: 'SET leaseExpiresAt = :exp',
            ConditionExpression: 'holder = :me AND fencingToken = :token',
            ExpressionAttributeValues: { ':exp': Date.now() + 600_000, ':me': l.nodeId, ':token': l.token },
          }),
        );
      },
    },
    {
      op: 'member list',
      http: async () => ok((await cluster.readonly.get('/api/v1/cluster/members')).status),
      raw: () =>
        raw.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
            ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':p': keys.memberPrefix },
          }),
        ),
    },
    {
      op: 'autopilot',
      http: async () => ok((await cluster.readonly.get('/api/v1/cluster/autopilot')).status),
      raw: () =>
        Promise.all([
          raw.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
              ExpressionAttributeValues: { ':pk': keys.clusterPartition, ':p': keys.memberPrefix },
              ConsistentRead: true,
            }),
          ),
          raw.send(new GetCommand({ TableName: table, Key: keys.clusterMeta(), ConsistentRead: true })),
        ]),
    },
  ];
  const rows: OverheadRow[] = [];
  for (const { op, http, raw: direct } of ops) {
    for (const concurrency of input.concurrencies) {
      const viaHttp = await measure(concurrency, cellMs, (c) => http(c));
      const viaStore = await measure(concurrency, cellMs, (c) => direct(c));
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
  return rows;
}
