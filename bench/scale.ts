/**
 * Section 5: how reads grow with the cluster. Members are written straight to a table of
 * their own (seeding is not measured); then a page of members, autopilot and one watcher
 * pass are timed and their DynamoDB calls counted by operation, from the runtime's summary
 * lines. A page must cost the same at every size; autopilot and the watcher read every
 * member, in one Query stream (its pages grow with the members, about 1 MB each) and no Scan.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { superviseRuntime } from '../infra/local/supervise';
import { joinedMember, memberToItem } from '../lib/cluster/member';
import { keys } from '../lib/store/keys';
import { clusterClients } from '../test/support/cluster';
import { usageOf } from './cost';

/** Time, DynamoDB calls, and those calls by operation (`{Query: 4, GetItem: 1}`: a Query stream of 4 pages). */
export interface Cost {
  ms: number;
  calls: number;
  ops: Record<string, number>;
}

export interface ScaleRow {
  members: number;
  page: Cost;
  autopilot?: Cost;
  watcher?: Cost;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function seed(endpoint: string, table: string, count: number): Promise<void> {
  const store = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const now = Date.now();
  const items: Record<string, unknown>[] = Array.from({ length: count }, (_, i) => {
    const nodeId = i + 1;
    const member = joinedMember({
      nodeId,
      raftAddress: `10.${(nodeId >> 16) & 255}.${(nodeId >> 8) & 255}.${nodeId & 255}:7000`,
      apiAddress: `10.${(nodeId >> 16) & 255}.${(nodeId >> 8) & 255}.${nodeId & 255}:8443`,
      binaryVersion: 'v1.0.0',
      certFingerprint: `fp-${nodeId}`,
      suffrage: 'voter',
      now,
      peerURLs: [],
    });
    // Steady state: every member healthy and stable, so the pass measures reading, not catching up.
    return { ...memberToItem({ ...member, healthy: true, stableSince: now - 60_000 }), credentialHash: 'seeded', credentialId: 'seeded' };
  });
  // The cluster item with the counters the membership transactions would have kept.
  items.push({
    ...keys.clusterMeta(),
    clusterId: 42,
    // A leader holding its lease: the steady state, in which a pass elects nobody.
    leaderNodeId: 1,
    leaderExpiresAt: now + 3_600_000,
    raftTerm: 1,
    memberCount: count,
    voterCount: count,
    initialized: true,
  });
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, b) => items.slice(b * 25, b * 25 + 25));
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map(async (batch) => {
        let pending: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending?.length) {
          const out = await store.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }),
    );
  }
  store.destroy();
}

export async function measureScale(distDir: string, endpoint: string, sizes: number[]): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const members of sizes) {
    const table = `bench-scale-${members}-${Date.now()}`;
    // A watcher pass every 5 s: the one measured is the first to log after seeding and the reads below.
    // Seeded members stay healthy however long seeding takes (the threshold is long), so a pass reads and writes nothing.
    const rt = await superviseRuntime(distDir, {
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: table,
      ROSTER_WATCHER_INTERVAL_SECONDS: '5',
      AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '3600',
    });
    try {
      await seed(endpoint, table, members);
      const cluster = await clusterClients(rt);
      const timed = async (path: string) => {
        const samples: Cost[] = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          const answer = await cluster.readonly.get(path);
          const ms = performance.now() - t0;
          if (answer.status !== 200) return undefined;
          const usage = await usageOf(rt, answer);
          samples.push({ ms, calls: usage?.dynamodb.calls ?? NaN, ops: usage?.dynamodb.ops ?? {} });
        }
        return { ms: median(samples.map((s) => s.ms)), calls: median(samples.map((s) => s.calls)), ops: samples.at(-1)!.ops };
      };
      const page = (await timed('/api/v1/cluster/members?page=1&per_page=100'))!;
      const autopilot = await timed('/api/v1/cluster/autopilot');
      // The scheduler's next pass after seeding: its summary line carries its duration and calls.
      const seen = rt.logs().length;
      let watcher: ScaleRow['watcher'];
      for (let i = 0; i < 200 && !watcher; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const line = rt
          .logs()
          .slice(seen)
          .find((l) => l.includes('"fn":"watcher"') && l.includes('"msg":"task"'));
        if (line) {
          const parsed = JSON.parse(line) as { ms: number; usage: { dynamodb: { calls: number; ops?: Record<string, number> } } };
          watcher = { ms: parsed.ms, calls: parsed.usage.dynamodb.calls, ops: parsed.usage.dynamodb.ops ?? {} };
        }
      }
      rows.push({ members, page, autopilot, watcher });
    } finally {
      await rt.stop();
    }
  }
  return rows;
}
