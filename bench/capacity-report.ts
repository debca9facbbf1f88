/**
 * Section 6: the capacity model (bench/capacity.ts, docs/capacity.md) over item sizes
 * measured from the store: a runtime of its own joins a node, heartbeats, holds and renews
 * a lease and registers a Sensu client, and the items those writes left are read back raw
 * and sized as DynamoDB bills them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { superviseRuntime } from '../infra/local/supervise';
import { keys } from '../lib/store/keys';
import { clusterClients } from '../test/support/cluster';
import {
  CURRENT_SHARDS,
  DEFAULT_WORKLOAD,
  itemSize,
  PARTITION_LIMITS,
  partitionLoads,
  UNSHARDED,
  type ItemSizes,
  type KeyLoad,
  type Shards,
} from './capacity';

export const NODE_COUNTS = [1_000, 10_000, 100_000];
export const HEARTBEATS = [3, 10];

export interface CapacityRow {
  nodes: number;
  heartbeatSeconds: number;
  loads: KeyLoad[];
}

export async function measureItemSizes(distDir: string, endpoint: string): Promise<ItemSizes> {
  const table = `bench-capacity-${Date.now()}`;
  const rt = await superviseRuntime(distDir, { DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: table, ROSTER_WATCHER_INTERVAL_SECONDS: '3600' });
  const store = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const must = (what: string, status: number, ok: number) => {
    if (status !== ok) throw new Error(`capacity: ${what} answered ${status}`);
  };
  try {
    const cluster = await clusterClients(rt);
    const nodeId = 4242;
    const { node } = await cluster.join(nodeId);
    must(
      'heartbeat',
      (await node.post(`/api/v1/cluster/members/${nodeId}/heartbeat`, { numCpus: 8, totalSystemMemory: 34_359_738_368 })).status,
      200,
    );
    const acquired = await node.put('/api/v1/leases/capacity-lease', { ttlSeconds: 30 });
    must('lease acquire', acquired.status, 200);
    const token = acquired.body.result.fencingToken as number;
    must('lease renew', (await node.put('/api/v1/leases/capacity-lease', { ttlSeconds: 30, fencingToken: token })).status, 200);
    const client = { name: 'capacity-client', address: '10.0.2.100', subscriptions: ['default', 'linux'], environment: 'production' };
    must('client register', (await cluster.admin.post('/clients', client)).status, 201);

    const get = async (key: Record<string, string>) => (await store.send(new GetCommand({ TableName: table, Key: key }))).Item ?? {};
    const index = async (partition: string) =>
      (
        await store.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': partition },
          }),
        )
      ).Items ?? [];
    const largest = (items: Record<string, unknown>[]) => Math.max(0, ...items.map(itemSize));
    const sizes = {
      member: itemSize(await get(keys.member(nodeId))),
      lease: itemSize(await get(keys.lease('capacity-lease'))),
      client: itemSize(await get(keys.client('default', client.name))),
      // The largest entry the writes above left (a join's carries the most details).
      audit: largest(await index(keys.auditAllPartition)),
    };
    for (const [what, bytes] of Object.entries(sizes)) if (!(bytes > 0)) throw new Error(`capacity: no ${what} item was found`);
    return sizes;
  } finally {
    store.destroy();
    await rt.stop();
  }
}

export const capacityRows = (sizes: ItemSizes, shards: Shards = CURRENT_SHARDS): CapacityRow[] =>
  NODE_COUNTS.flatMap((nodes) =>
    HEARTBEATS.map((heartbeatSeconds) => ({
      nodes,
      heartbeatSeconds,
      loads: partitionLoads({ ...DEFAULT_WORKLOAD, nodes, heartbeatSeconds }, sizes, shards),
    })),
  );

const layoutOf = (s: Shards) =>
  Object.entries(s)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');

type Table = (title: string, header: string[], rows: (string | number)[][]) => void;
type Judge = (target: string, measured: string, pass: boolean) => void;

export function reportCapacity(sizes: ItemSizes, rows: CapacityRow[], table: Table, judge: Judge): void {
  const w = DEFAULT_WORKLOAD;
  const before = capacityRows(sizes, UNSHARDED);
  table(
    `6 (before). The same model with every key in one partition, for comparison`,
    ['nodes', 'heartbeat', 'key', 'WCU/s', 'RCU/s', 'verdict'],
    before.flatMap((r) =>
      r.loads.map((l) => [r.nodes, `${r.heartbeatSeconds} s`, l.key, l.wcu.toFixed(1), l.rcu.toFixed(1), l.ok ? 'fits' : 'OVER']),
    ),
  );
  table(
    `6. Capacity model (docs/capacity.md): units per second on each key's busiest partition, as sharded today (${layoutOf(CURRENT_SHARDS)}), against ${PARTITION_LIMITS.wcu} WCU / ${PARTITION_LIMITS.rcu} RCU ` +
      `(items measured: member ${sizes.member} B, lease ${sizes.lease} B, client ${sizes.client} B, audit entry ${sizes.audit} B; ` +
      `${w.leasesPerNode} lease/node renewed every ${w.renewSeconds} s, ${w.clientsPerNode} client/node every ${w.keepaliveSeconds} s, ` +
      `${w.changesPerNodeHour} audited change/node/h, a consistent pass every ${w.watcherSeconds} s read over ${w.passReadSeconds} s, ${w.listReadsPerSecond} whole-list reads/s)`,
    ['nodes', 'heartbeat', 'key', 'partition', 'WCU/s', '% of limit', 'RCU/s', '% of limit', 'verdict'],
    rows.flatMap((r) =>
      r.loads.map((l) => [
        r.nodes,
        `${r.heartbeatSeconds} s`,
        l.key,
        l.partition,
        l.wcu.toFixed(1),
        `${((100 * l.wcu) / PARTITION_LIMITS.wcu).toFixed(0)} %`,
        l.rcu.toFixed(1),
        `${((100 * l.rcu) / PARTITION_LIMITS.rcu).toFixed(0)} %`,
        l.ok ? 'fits' : 'OVER',
      ]),
    ),
  );
  // The clients' key on its own at the size the sharding was sized for (lib/store/keys.ts CLIENT_SHARDS).
  const clients = rows.find((r) => r.nodes === 100_000 && r.heartbeatSeconds === 10)?.loads.find((l) => l.key === 'clients');
  if (clients) {
    judge(
      `clients at 100000 nodes / 10 s (${w.clientsPerNode} a node, one namespace, every ${w.keepaliveSeconds} s): busiest partition within its limits`,
      `${clients.wcu.toFixed(0)} WCU/s on ${clients.partition} (unsharded: ${before
        .find((r) => r.nodes === 100_000 && r.heartbeatSeconds === 10)!
        .loads.find((l) => l.key === 'clients')!
        .wcu.toFixed(0)})`,
      clients.ok,
    );
  }
  for (const r of rows) {
    const over = r.loads.filter((l) => !l.ok);
    judge(
      `${r.nodes} nodes at a ${r.heartbeatSeconds} s heartbeat: every key's busiest partition within its limits`,
      over.length === 0
        ? 'all fit'
        : over.map((l) => `${l.key} ${l.wcu.toFixed(0)} WCU/s, ${l.rcu.toFixed(0)} RCU/s`).join('; ') + ' (shard them: issue #19.7)',
      over.length === 0,
    );
  }
}
