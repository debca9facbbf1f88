/** Section 2's price tables: per million operations under each option, and a month of heartbeats. */
import { readFileSync } from 'node:fs';
import { isNodePath } from '../lib/http/middleware/request-context';
import { routes } from '../lib/http/routes';
import { STEADY, type CostRow } from './cost';
import { etcdMonthly, monthlyHeartbeats, OPTIONS, perMillion, PRICED, PRICES, regionMs, type Logging, type Priced } from './price';

type Table = (title: string, header: string[], rows: (string | number)[][]) => void;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const fmt2 = (n: number) => n.toFixed(2);
type Judge = (target: string, measured: string, pass: boolean) => void;

const serverlessYml = () => readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8');
/** The provider's memory size, and each route's own where it sets one. */
const memoryOf = (fn: string) =>
  routes.find((r) => r.fn === fn)?.memorySize ?? Number(/^ {2}memorySize: (\d+)$/m.exec(serverlessYml())?.[1] ?? 128);
/** The deployed summary-line sampling of the node paths, as serverless.yml sets it. */
export const deployedLogSample = (): number => Number(/ROSTER_NODE_LOG_SAMPLE: '(\d+)'/.exec(serverlessYml())?.[1] ?? 1);
/** How serverless.yml deploys the logs: Lambda's own lines are off at system level WARN. */
const deployedLogging = (): Logging => ({
  nodeSample: deployedLogSample(),
  platformLines: !/systemLogLevel: WARN/.test(serverlessYml()),
});
const usd = (n: number) => `$${n < 10 ? n.toFixed(3) : n.toFixed(2)}`;

export function printPrices(costs: CostRow[], table: Table, judge: Judge) {
  const rows = Object.entries(PRICED).flatMap(([op, fn]) => {
    const row = costs.find((c) => c.op === op && c.warm);
    return row ? [{ row, fn }] : [];
  });
  const deployed = deployedLogging();
  const priced = rows.map(({ row, fn }) => {
    const route = routes.find((r) => r.fn === fn);
    const sample = route && isNodePath(route) ? deployed.nodeSample : 1;
    const logging = { ...deployed, nodeSample: sample };
    return {
      fn,
      row,
      sample,
      options: OPTIONS.map((o) => perMillion(row, memoryOf(fn), o, logging)),
      everyLine: perMillion(row, memoryOf(fn), OPTIONS[0]!, { nodeSample: 1, platformLines: true }),
    };
  });
  const units = (rcu: number, wcu: number) => `${fmt(rcu)} / ${fmt(wcu)}`;
  table(
    `2b. Price per million operations (list prices of ${PRICES.date}, ${PRICES.region}, CloudWatch Logs $${PRICES.cloudwatchLogsIngestionPerGb}/GB ingested; ` +
      `billed units from item sizes; CPU ms and summary-line bytes measured, billed ms modelled for the region; ` +
      `node paths log 1 summary in ${deployed.nodeSample} as serverless.yml sets ROSTER_NODE_LOG_SAMPLE; ` +
      `Lambda's own lines ${deployed.platformLines ? 'on' : 'off (system log level WARN)'})`,
    [
      'operation',
      'memory',
      'ms here / CPU ms',
      'billed ms (region)',
      'RCU / WCU reported',
      'RCU / WCU billed',
      'log B',
      'summary lines',
      ...OPTIONS.map((o) => o.name),
      "API GW, every line logged (Lambda's too)",
      'of which logs (sampled / every)',
    ],
    priced.map((p) => [
      p.row.op,
      `${memoryOf(p.fn)} MB${p.row.peakMemoryMb ? ` (peak ${p.row.peakMemoryMb.toFixed(0)})` : ''}`,
      `${p.row.warmMs ?? '-'} / ${p.row.warmCpuMs === undefined ? '-' : fmt2(p.row.warmCpuMs)}`,
      regionMs(p.row, memoryOf(p.fn)),
      units(p.row.warm!.dynamodb.rcu, p.row.warm!.dynamodb.wcu),
      p.row.billed ? units(p.row.billed.rcu, p.row.billed.wcu) : 'as reported',
      p.row.warmLogBytes ?? '-',
      p.sample === 1 ? 'every one' : `1 in ${p.sample}`,
      ...p.options.map((o) => usd(o.perMillion)),
      usd(p.everyLine.perMillion),
      `${usd(p.options[0]!.parts.logs)} / ${usd(p.everyLine.parts.logs)}`,
    ]),
  );
  for (const p of priced) for (const part of p.row.billed?.parts ?? []) console.log(`  ${p.row.op}: ${part}`);
  console.log(
    `  CPU ms: the mean of up to ${STEADY.sampleCalls} invocations in an environment of the function's own (its bundle alone in a process, ` +
      `one invocation at a time, the deployed settings), after up to ${STEADY.warmCalls} to warm it (${STEADY.warmMs / 1000} s at most); ` +
      `${priced.map((p) => `${p.row.op} ${p.row.steadyCalls ?? 1}`).join(', ')} sampled`,
  );
  console.log(
    `  billed ms: that CPU × (${PRICES.lambdaOneVcpuMemoryMb} MB / the memory size, where less: Lambda's CPU share), ` +
      `+ ${PRICES.dynamodbRoundTripMs} ms per DynamoDB call in turn (${PRICES.dynamodbRoundTripNote}); "ms here" waits on DynamoDB Local instead`,
  );
  console.log(
    `  logs: Lambda's own lines (START, END, REPORT: ${PRICES.lambdaPlatformLogBytesPerInvocation} B an invocation) ` +
      (deployed.platformLines
        ? 'every invocation, beside the summary'
        : 'only in the last column: deployed at system level WARN, they are not written'),
  );
  for (const o of OPTIONS) console.log(`  ${o.name}: ${o.tradeOff}`);
  // The sizes are chosen for price: each must still hold its function once it has served thousands of calls.
  for (const p of priced)
    if (p.row.peakMemoryMb !== undefined)
      judge(
        `${p.row.op}: peak memory within its ${memoryOf(p.fn)} MB`,
        `${p.row.peakMemoryMb.toFixed(0)} MB`,
        p.row.peakMemoryMb < memoryOf(p.fn),
      );
  const heartbeat = priced.find((p) => p.row.op === 'heartbeat');
  if (heartbeat) {
    const [viaGateway, , cheapest] = heartbeat.options as [Priced, Priced, Priced];
    judge(
      `heartbeat ≤ $1.90 per million (API Gateway, on demand; summaries 1 in ${heartbeat.sample})`,
      `${usd(viaGateway.perMillion)} (logs ${usd(viaGateway.parts.logs)}; every line logged: ${usd(heartbeat.everyLine.perMillion)})`,
      viaGateway.perMillion <= 1.9,
    );
    judge('heartbeat < $1.00 per million (node endpoint, provisioned)', usd(cheapest.perMillion), cheapest.perMillion < 1.0);
    const months = [3, 100, 1000].flatMap((nodes) =>
      [3, 10].map((interval) => {
        const n = monthlyHeartbeats(nodes, interval);
        return [nodes, `${interval} s`, `${(n / 1e6).toFixed(1)} M`, ...heartbeat.options.map((o) => usd((o.perMillion * n) / 1e6))];
      }),
    );
    table(
      '2c. A month of heartbeats (heartbeats alone; leases and reads add their own rows above)',
      ['nodes', 'every', 'heartbeats', ...OPTIONS.map((o) => o.name)],
      months,
    );
    console.log(
      `  beside a three-node etcd cluster: ${usd(etcdMonthly(PRICES.ec2T4gNanoHour))}/month on t4g.nano (0.5 GiB, below etcd's guidance), ${usd(etcdMonthly(PRICES.ec2T4gSmallHour))} on t4g.small, before its operators' time`,
    );
  }
  return priced.map((p) => ({ op: p.row.op, perMillion: Object.fromEntries(p.options.map((o, i) => [OPTIONS[i]!.name, o.perMillion])) }));
}
