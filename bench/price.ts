/**
 * What AWS bills for an operation, priced from the benchmark's own measurements (section 2:
 * the warm call's DynamoDB capacity, handler time and summary log line) and the list prices
 * in prices.json (dated there). Pure: `npm run cost` and the benchmark print it.
 */
import prices from './prices.json' with { type: 'json' };
import type { CostRow } from './cost';

export const PRICES = prices;
const HOURS_PER_MONTH = 730;

/** The priced operations (section 2's row names) and the function each runs in: its memory size is what Lambda bills. */
export const PRICED: Record<string, string> = {
  heartbeat: 'member-heartbeat',
  'lease renew': 'lease-put',
  'one page of members': 'members-list',
  login: 'auth-login',
};

/** How the deployed functions log (serverless.yml): their summary sampling and Lambda's own lines. */
export interface Logging {
  /** 1 in N successful summary lines of the node paths (ROSTER_NODE_LOG_SAMPLE). */
  nodeSample: number;
  /** Whether Lambda writes its START, END and REPORT lines for every invocation (system log level INFO or DEBUG). */
  platformLines: boolean;
}

/**
 * What an invocation runs for in a region, in billed milliseconds: its CPU (measured: the mean
 * of a steady environment's invocations, ./environment) slowed by the memory size's share of a vCPU (Lambda allots CPU in
 * proportion to memory, one vCPU at 1,769 MB), plus one DynamoDB round trip per call, taken
 * one after another. The handler milliseconds measured here are not that figure: they wait
 * on DynamoDB Local (a JVM on the same two cores), not on DynamoDB in the region.
 */
export function regionMs(row: CostRow, memoryMb: number): number {
  const cpu = (row.warmCpuMs ?? row.warmMs ?? 1) * Math.max(1, prices.lambdaOneVcpuMemoryMb / memoryMb);
  const waits = (row.warm?.dynamodb.calls ?? 0) * prices.dynamodbRoundTripMs;
  return Math.max(1, Math.ceil(cpu + waits));
}

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
 * Dollars per million of one operation; Lambda bills whole milliseconds (`regionMs`) at the
 * function's memory. DynamoDB units are the item sizes' billing where section 2 computed it
 * (./billing), else what DynamoDB Local reported. Logs: the summary line 1 in `logSample`
 * (ROSTER_NODE_LOG_SAMPLE on the node paths), and Lambda's own lines where they are on.
 */
export function perMillion(row: CostRow, memoryMb: number, option: Option, logging: Logging): Priced {
  const u = row.billed ? { dynamodb: row.billed } : row.warm!;
  const ms = regionMs(row, memoryMb);
  const apiGateway = option.viaApiGateway ? prices.apiGatewayHttpPerMillion : prices.lambdaUrlPerMillion;
  const lambda = prices.lambdaRequestsPerMillion + (ms / 1000) * (memoryMb / 1024) * prices.lambdaArmGbSecond * 1e6;
  // Provisioned capacity at full use: a unit-hour serves 3,600 units.
  const dynamodb = option.provisioned
    ? (u.dynamodb.wcu * prices.dynamodbProvisionedWcuHour + u.dynamodb.rcu * prices.dynamodbProvisionedRcuHour) * (1e6 / 3600)
    : u.dynamodb.wcu * prices.dynamodbOnDemandWritePerMillion + u.dynamodb.rcu * prices.dynamodbOnDemandReadPerMillion;
  const logBytes = (row.warmLogBytes ?? 0) / logging.nodeSample + (logging.platformLines ? prices.lambdaPlatformLogBytesPerInvocation : 0);
  const logs = ((logBytes * 1e6) / 1024 ** 3) * prices.cloudwatchLogsIngestionPerGb;
  const parts = { apiGateway, lambda, dynamodb, logs };
  return { op: row.op, perMillion: apiGateway + lambda + dynamodb + logs, parts, billed: row.billed !== undefined };
}

/** A month of heartbeats for `nodes` nodes, one every `intervalSeconds`. */
export const monthlyHeartbeats = (nodes: number, intervalSeconds: number) => (nodes * HOURS_PER_MONTH * 3600) / intervalSeconds;

/** Three etcd members on the smallest instances that fit, with an 8 GB gp3 volume each. */
export const etcdMonthly = (hourly: number) => 3 * (hourly * HOURS_PER_MONTH + 8 * prices.ebsGp3GbMonth);
