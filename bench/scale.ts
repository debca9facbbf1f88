/**
 * Section 5: how reads grow with the cluster. Members are written straight to a table of
 * their own (seeding is not measured); then a page of members, autopilot and one watcher
 * pass are timed and their DynamoDB calls counted by operation, from the runtime's summary
 * lines. A page must cost the same at every size; autopilot and the watcher read every
 * member, in parallel key-range Queries (lib/store/parallel), never a Scan. Then a process
 * of its own (bench/scale-probe.ts) times a full autopilot read and a full watcher pass
 * over every member, with the CPU Roster's own code spends on them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { superviseRuntime } from '../infra/local/supervise';
import { joinedMember, memberToItem } from '../lib/cluster/member';
import { keys } from '../lib/store/keys';
import { chunks } from '../lib/store/parallel';
import { clusterClients } from '../test/support/cluster';
import { usageOf } from './cost';

/** The members page the scale section reads at each size. */
const PAGE_SIZE = 100;

/** Time, DynamoDB calls, and those calls by operation (`{Query: 4, GetItem: 1}`: a Query stream of 4 pages). */
export interface Cost {
  ms: number;
  calls: number;
  ops: Record<string, number>;
}

/** A read timed in a process of its own: wall time and that process's CPU (Roster's code and the SDK), medians. */
export interface Probe {
  ms: number;
  cpuMs: number;
}

export interface ScaleRow {
  members: number;
  page: Cost;
  autopilot?: Cost;
  watcher?: Cost;
  /** The full autopilot read and a full watcher pass, in process (bench/scale-probe.ts). */
  probe?: { autopilot: Probe; watcher: Probe; massFailure: MassFailure };
}

/** One watcher pass that records every member failed at once (bench/scale-probe.ts). */
export interface MassFailure {
  ms: number;
  members: number;
  marked: number;
}

const PROBE = fileURLToPath(new URL('./scale-probe.ts', import.meta.url));

async function probe(endpoint: string, table: string, members: number): Promise<ScaleRow['probe']> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', PROBE], {
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: table,
      AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS: '3600',
      PROBE_MEMBERS: String(members),
    },
    maxBuffer: 1 << 20,
  });
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    autopilot: Probe & { members: number };
    watcher: Probe;
    massFailure: MassFailure;
  };
  if (out.autopilot.members !== members) throw new Error(`autopilot read ${out.autopilot.members} of ${members} members`);
  return { autopilot: out.autopilot, watcher: out.watcher, massFailure: out.massFailure };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function seed(endpoint: string, table: string, count: number): Promise<void> {
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
  const batches = chunks(items, 25);
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
      const page = (await timed(`/api/v1/cluster/members?page=1&per_page=${PAGE_SIZE}`))!;
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
    // With the runtime (and its scheduled passes) stopped: the probe's reads have the table to themselves.
    rows.at(-1)!.probe = await probe(endpoint, table, members);
  }
  return rows;
}

type Table = (title: string, header: string[], rows: (string | number)[][]) => void;
type Judge = (target: string, measured: string, pass: boolean) => void;

/** The target of issue #19: a full autopilot read and a full watcher pass at 10,000 members, each under a second. */
const FULL_READ_MS = 1000;
/** #19.9: a pass that fails every member at 10,000 finishes within one schedule period of the watcher (rate(1 minute)). */
const SCHEDULE_PERIOD_MS = 60_000;

const fmt = (n: number | undefined, digits = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-');
const ops = (c?: Cost) =>
  c
    ? Object.entries(c.ops)
        .map(([op, n]) => `${op.replace(/Items?$/, '')} ${n}`)
        .join(', ') || '-'
    : '-';
/** Microseconds of Roster's CPU per member read. */
const perMember = (p: Probe | undefined, members: number) => (p ? fmt((p.cpuMs * 1000) / members, 0) : '-');

export function reportScale(scale: ScaleRow[], table: Table, judge: Judge): void {
  table(
    `5. Scale: one page (${PAGE_SIZE}) of members, autopilot and one watcher pass, by cluster size (calls by operation)`,
    ['members', 'page ms', 'page calls', 'autopilot ms', 'autopilot calls', 'watcher ms', 'watcher calls'],
    scale.map((r) => [r.members, fmt(r.page.ms), ops(r.page), fmt(r.autopilot?.ms), ops(r.autopilot), fmt(r.watcher?.ms), ops(r.watcher)]),
  );
  table(
    "5b. A full autopilot read and a full watcher pass, in a process of its own (medians of 5): wall time and Roster's own CPU",
    ['members', 'autopilot ms', 'CPU ms', 'CPU µs/member', 'watcher ms', 'CPU ms', 'CPU µs/member'],
    scale.map((r) => [
      r.members,
      fmt(r.probe?.autopilot.ms),
      fmt(r.probe?.autopilot.cpuMs),
      perMember(r.probe?.autopilot, r.members),
      fmt(r.probe?.watcher.ms),
      fmt(r.probe?.watcher.cpuMs),
      perMember(r.probe?.watcher, r.members),
    ]),
  );
  const [small, large] = [scale[0], scale[scale.length - 1]];
  if (!small || !large) return;
  // A page's calls follow what it shows (its holders span up to every held-lease shard), not the cluster:
  // full pages cost the same at every size, and a cluster smaller than a page pays no more.
  const full = scale.filter((r) => r.members >= PAGE_SIZE);
  const [firstFull, lastFull] = [full[0], full.at(-1)];
  if (firstFull && lastFull && firstFull !== lastFull)
    judge(
      `a full page (${PAGE_SIZE}) of members costs the same at ${firstFull.members} and ${lastFull.members} members`,
      `${firstFull.page.calls} vs ${lastFull.page.calls} calls, ${fmt(firstFull.page.ms)} vs ${fmt(lastFull.page.ms)} ms`,
      firstFull.page.calls === lastFull.page.calls,
    );
  for (const r of scale.filter((row) => row.members < PAGE_SIZE))
    judge(
      `the page of a ${r.members}-member cluster costs no more than a full page at ${large.members}`,
      `${r.page.calls} vs ${large.page.calls} calls`,
      r.page.calls <= large.page.calls,
    );
  // Parallel key-range Queries, never a Scan; at a small size, one Query as before.
  const queriesOnly = (c?: Cost) => c !== undefined && !c.ops.Scan && (c.ops.Query ?? 0) >= 1;
  for (const [what, of] of [
    ['autopilot', (r: ScaleRow) => r.autopilot],
    ['one watcher pass', (r: ScaleRow) => r.watcher],
  ] as const) {
    const [a, b] = [of(small), of(large)];
    judge(
      `${what} reads the members in key-range Queries, no Scan`,
      a && b ? `${a.ops.Query ?? 0} Queries at ${small.members} members, ${b.ops.Query ?? 0} at ${large.members}` : 'not measured',
      queriesOnly(a) && queriesOnly(b),
    );
  }
  const at = scale.find((r) => r.members >= 10_000);
  for (const what of ['autopilot', 'watcher'] as const) {
    const p = at?.probe?.[what];
    judge(
      `a full ${what === 'autopilot' ? 'autopilot read' : 'watcher pass'} at 10,000 members < ${FULL_READ_MS} ms`,
      p && at
        ? `${fmt(p.ms, 0)} ms at ${at.members} (Roster's CPU ${fmt(p.cpuMs, 0)} ms, ${perMember(p, at.members)} µs/member)`
        : 'not measured (BENCH_SCALE has no size ≥ 10000)',
      p !== undefined && p.ms < FULL_READ_MS,
    );
  }
  table(
    '5c. A mass failure: one watcher pass records every member failed (conditional writes, 50 to a transaction, 4 transactions in flight)',
    ['members', 'marked failed', 'pass ms', 'ms/member'],
    scale.map((r) => {
      const f = r.probe?.massFailure;
      return [r.members, f?.marked ?? '-', fmt(f?.ms, 0), f ? fmt(f.ms / Math.max(1, f.marked), 2) : '-'];
    }),
  );
  const failed = at?.probe?.massFailure;
  judge(
    `a mass failure at 10,000 members is recorded within one schedule period (${SCHEDULE_PERIOD_MS / 1000} s)`,
    failed && at
      ? `${failed.marked} of ${failed.members} marked in ${fmt(failed.ms / 1000, 1)} s`
      : 'not measured (BENCH_SCALE has no size ≥ 10000)',
    failed !== undefined && failed.marked === failed.members && failed.ms < SCHEDULE_PERIOD_MS,
  );
}
