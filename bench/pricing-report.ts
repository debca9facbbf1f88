/** Section 2's price tables: per million operations under each option, and a month of heartbeats. */
import { routes } from '../lib/http/routes';
import type { CostRow } from './cost';
import { etcdMonthly, monthlyHeartbeats, OPTIONS, perMillion, PRICES, type Priced } from './price';

type Table = (title: string, header: string[], rows: (string | number)[][]) => void;
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
const usd = (n: number) => `$${n < 10 ? n.toFixed(3) : n.toFixed(2)}`;

export function printPrices(costs: CostRow[], table: Table, judge: Judge) {
  const rows = Object.entries(PRICED).flatMap(([op, fn]) => {
    const row = costs.find((c) => c.op === op && c.warm);
    return row ? [{ row, fn }] : [];
  });
  const priced = rows.map(({ row, fn }) => ({
    fn,
    row,
    options: OPTIONS.map((o) => perMillion(row, memoryOf(fn), o)),
    sampled: perMillion(row, memoryOf(fn), OPTIONS[0]!, 0),
  }));
  table(
    `2b. Price per million operations (list prices of ${PRICES.date}, ${PRICES.region}; measured capacity, handler ms and log bytes)`,
    ['operation', 'memory', 'ms', ...OPTIONS.map((o) => o.name), 'API GW, summary logs sampled out', 'of which logs'],
    priced.map((p) => [
      p.row.op,
      `${memoryOf(p.fn)} MB`,
      p.row.warmMs ?? '-',
      ...p.options.map((o) => usd(o.perMillion)),
      usd(p.sampled.perMillion),
      usd(p.options[0]!.parts.logs),
    ]),
  );
  for (const o of OPTIONS) console.log(`  ${o.name}: ${o.tradeOff}`);
  const heartbeat = priced.find((p) => p.row.op === 'heartbeat');
  if (heartbeat) {
    const [viaGateway, , cheapest] = heartbeat.options as [Priced, Priced, Priced];
    judge('heartbeat ≤ $1.90 per million (API Gateway, on demand)', usd(viaGateway.perMillion), viaGateway.perMillion <= 1.9);
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
