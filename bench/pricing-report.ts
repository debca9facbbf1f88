/** Section 2's price tables: per million operations under each option, and a month of heartbeats. */
import { readFileSync } from 'node:fs';
import { isNodePath } from '../lib/http/middleware/request-context';
import { routes } from '../lib/http/routes';
import type { CostRow } from './cost';
import { etcdMonthly, monthlyHeartbeats, OPTIONS, perMillion, PRICES, type Priced } from './price';

type Table = (title: string, header: string[], rows: (string | number)[][]) => void;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
type Judge = (target: string, measured: string, pass: boolean) => void;

/** The priced operations and the function each runs in (its memory size is what Lambda bills). */
const PRICED: Record<string, string> = {
  heartbeat: 'member-heartbeat',
  'lease renew': 'lease-put',
  'one page of members': 'members-list',
  login: 'auth-login',
};
const DEFAULT_MEMORY_MB = 512;
const memoryOf = (fn: string) => routes.find((r) => r.fn === fn)?.memorySize ?? DEFAULT_MEMORY_MB;
/** The deployed summary-line sampling of the node paths, as serverless.yml sets it. */
export const deployedLogSample = (): number =>
  Number(/ROSTER_NODE_LOG_SAMPLE: '(\d+)'/.exec(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'))?.[1] ?? 1);
const usd = (n: number) => `$${n < 10 ? n.toFixed(3) : n.toFixed(2)}`;

export function printPrices(costs: CostRow[], table: Table, judge: Judge) {
  const rows = Object.entries(PRICED).flatMap(([op, fn]) => {
    const row = costs.find((c) => c.op === op && c.warm);
    return row ? [{ row, fn }] : [];
  });
  const deployed = deployedLogSample();
  const priced = rows.map(({ row, fn }) => {
    const route = routes.find((r) => r.fn === fn);
    const sample = route && isNodePath(route) ? deployed : 1;
    return {
      fn,
      row,
      sample,
      options: OPTIONS.map((o) => perMillion(row, memoryOf(fn), o, sample)),
      everyLine: perMillion(row, memoryOf(fn), OPTIONS[0]!, 1),
    };
  });
  const units = (rcu: number, wcu: number) => `${fmt(rcu)} / ${fmt(wcu)}`;
  table(
    `2b. Price per million operations (list prices of ${PRICES.date}, ${PRICES.region}, CloudWatch Logs $${PRICES.cloudwatchLogsIngestionPerGb}/GB ingested; ` +
      `billed units from item sizes, handler ms and summary-line bytes measured; node paths log 1 summary in ${deployed} as serverless.yml sets ROSTER_NODE_LOG_SAMPLE)`,
    [
      'operation',
      'memory',
      'ms',
      'RCU / WCU reported',
      'RCU / WCU billed',
      'log B',
      'summary lines',
      ...OPTIONS.map((o) => o.name),
      'API GW, every line logged',
      'of which logs (sampled / every)',
    ],
    priced.map((p) => [
      p.row.op,
      `${memoryOf(p.fn)} MB`,
      p.row.warmMs ?? '-',
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
    `  logs: ${PRICES.lambdaPlatformLogBytesPerInvocation} B of Lambda's own lines (START, END, REPORT) every invocation, beside the summary`,
  );
  for (const o of OPTIONS) console.log(`  ${o.name}: ${o.tradeOff}`);
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
