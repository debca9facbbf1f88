/**
 * Run by bench/scale.ts in a process of its own, with TABLE_NAME and DYNAMODB_ENDPOINT set
 * (the store reads them at import, as on Lambda): times Roster's own full autopilot read
 * (GET /cluster/autopilot's use case) and a whole watcher pass over every member, and the
 * CPU this process spends on each (the SDK, unmarshalling, parsing, the rules) — DynamoDB
 * Local's own work is in its JVM, not here. Prints one JSON line.
 */
import { getAutopilot } from '../lib/autopilot/use-cases';
import { watcherPass } from '../lib/autopilot/watcher';

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
console.log(JSON.stringify({ autopilot, watcher }));
process.exit(0);
