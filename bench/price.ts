/**
 * What AWS bills for an operation, priced from the benchmark's own measurements (section 2:
 * the warm call's DynamoDB capacity, handler time and summary log line) and the list prices
 * in prices.json (dated there). Pure: `npm run cost` and the benchmark print it.
 */
import prices from './prices.json' with { type: 'json' };
import type { CostRow } from './cost';

export const PRICES = prices;
const HOURS_PER_MONTH = 730;

export interface Option {
  name: string;
  /** What the option gives up, said beside its figure. */
  tradeOff: string;
  viaApiGateway: boolean;
  provisioned: boolean;
}

export const OPTIONS: Option[] = [
  { name: 'API Gateway, on-demand table', tradeOff: 'the default: no capacity to plan', viaApiGateway: true, provisioned: false },
  {
    name: 'node endpoint (Function URL), on-demand',
    tradeOff: "no API Gateway throttling or access logs on the node routes; the credential check is the function's own",
    viaApiGateway: false,
    provisioned: false,
  },
  {
    name: 'node endpoint, provisioned table',
    tradeOff: 'capacity to plan (auto scaling lags a burst), billed when idle',
    viaApiGateway: false,
    provisioned: true,
  },
];

export interface Priced {
  op: string;
  perMillion: number;
  parts: { apiGateway: number; lambda: number; dynamodb: number; logs: number };
  /** Whether the DynamoDB units are AWS's billing of the items' sizes (else as DynamoDB Local reported them). */
  billed: boolean;
}

/**
 * Dollars per million of one operation; Lambda bills whole milliseconds at the function's
 * memory. DynamoDB units are the item sizes' billing where section 2 computed it (./billing),
 * else what DynamoDB Local reported. Logs: the platform's lines of every invocation, and the
 * summary line 1 in `logSample` (ROSTER_NODE_LOG_SAMPLE on the node paths).
 */
export function perMillion(row: CostRow, memoryMb: number, option: Option, logSample = 1): Priced {
  const u = row.billed ? { dynamodb: row.billed } : row.warm!;
  const ms = Math.max(1, Math.ceil(row.warmMs ?? 1));
  const apiGateway = option.viaApiGateway ? prices.apiGatewayHttpPerMillion : prices.lambdaUrlPerMillion;
  const lambda = prices.lambdaRequestsPerMillion + (ms / 1000) * (memoryMb / 1024) * prices.lambdaArmGbSecond * 1e6;
  // Provisioned capacity at full use: a unit-hour serves 3,600 units.
  const dynamodb = option.provisioned
    ? (u.dynamodb.wcu * prices.dynamodbProvisionedWcuHour + u.dynamodb.rcu * prices.dynamodbProvisionedRcuHour) * (1e6 / 3600)
    : u.dynamodb.wcu * prices.dynamodbOnDemandWritePerMillion + u.dynamodb.rcu * prices.dynamodbOnDemandReadPerMillion;
  const logBytes = (row.warmLogBytes ?? 0) / logSample + prices.lambdaPlatformLogBytesPerInvocation;
  const logs = ((logBytes * 1e6) / 1024 ** 3) * prices.cloudwatchLogsIngestionPerGb;
  const parts = { apiGateway, lambda, dynamodb, logs };
  return { op: row.op, perMillion: apiGateway + lambda + dynamodb + logs, parts, billed: row.billed !== undefined };
}

/** A month of heartbeats for `nodes` nodes, one every `intervalSeconds`. */
export const monthlyHeartbeats = (nodes: number, intervalSeconds: number) => (nodes * HOURS_PER_MONTH * 3600) / intervalSeconds;

/** Three etcd members on the smallest instances that fit, with an 8 GB gp3 volume each. */
export const etcdMonthly = (hourly: number) => 3 * (hourly * HOURS_PER_MONTH + 8 * prices.ebsGp3GbMonth);
