/**
 * Run by bench/scale.ts in a process of its own, with TABLE_NAME and DYNAMODB_ENDPOINT set
 * (the store reads them at import, as on Lambda): times Roster's own full autopilot read
 * (GET /cluster/autopilot's use case) and a whole watcher pass over every member, and the
 * CPU this process spends on each (the SDK, unmarshalling, parsing, the rules) — DynamoDB
 * Local's own work is in its JVM, not here. Prints one JSON line.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getAutopilot } from '../lib/autopilot/use-cases';
import { watcherPass } from '../lib/autopilot/watcher';
import { memberToItem } from '../lib/cluster/member';
import { listMembers } from '../lib/cluster/member-reads';
import { config } from '../lib/config';
import { documents, TABLE } from '../lib/store/client';
import { chunks, eachBounded } from '../lib/store/parallel';

const ROUNDS = Number(process.env.PROBE_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(run: () => Promise<number>) {
  // One warm-up: a warm container's steady state (its connections open, its code compiled).
  await run();
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let read = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    read = await run();
    ms.push(performance.now() - t0);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return { ms: median(ms), cpuMs: median(cpuMs), members: read };
}

const autopilot = await timed(async () => (await getAutopilot()).servers.length);
const watcher = await timed(async () => {
  await watcherPass(Date.now(), 'bench-probe');
  return NaN;
});
/**
 * A mass failure: every member healthy on the item but silent just past the threshold (a
 * partition), written straight to the table (not timed); then one watcher pass records
 * every failure, timed.
 */
async function massFailure() {
  const now = Date.now();
  const silentSince = now - config.autopilot.lastContactThresholdSeconds * 1000 - 10_000;
  const members = await listMembers(true);
  const items = members.map((m) => ({
    PutRequest: { Item: memberToItem({ ...m, healthy: true, stableSince: silentSince - 60_000, lastHeartbeatAt: silentSince }) },
  }));
  const batches = chunks(items, 25);
  await eachBounded(batches, 8, async (batch) => {
    let pending: typeof batch | undefined = batch;
    while (pending?.length) {
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = out.UnprocessedItems?.[TABLE] as typeof batch | undefined;
    }
  });
  const t0 = performance.now();
  const report = await watcherPass(Date.now(), 'bench-mass-failure');
  return { ms: performance.now() - t0, members: members.length, marked: report.health.filter((h) => !h.healthy).length };
}

const failure = await massFailure();
console.log(JSON.stringify({ autopilot, watcher, massFailure: failure }));
process.exit(0);
