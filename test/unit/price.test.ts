import { describe, expect, it } from 'vitest';
import { OPTIONS, perMillion, PRICES, regionMs } from '../../bench/price';
import type { CostRow } from '../../bench/cost';

/** A heartbeat as section 2 measures one: 1 UpdateItem, 1 WCU, its CPU and its summary line. */
const heartbeat = (cpuMs: number): CostRow => ({
  op: 'heartbeat',
  status: 200,
  warm: { dynamodb: { calls: 1, attempts: 1, rcu: 0, wcu: 1 }, stepfunctions: { calls: 0 } },
  minimum: '1 write',
  warmMs: 40,
  warmCpuMs: cpuMs,
  warmLogBytes: 360,
});
const [viaGateway, nodeEndpoint] = OPTIONS as [(typeof OPTIONS)[0], (typeof OPTIONS)[0]];
const deployed = { nodeSample: 20, platformLines: false };

describe("the benchmark's price model (bench/price.ts)", () => {
  it('bills the CPU slowed by the memory size\u2019s share of a vCPU, plus a round trip per DynamoDB call, not the wait on DynamoDB Local', () => {
    // 2 ms of CPU at 1/13.8 of a vCPU, then the write's round trip.
    expect(regionMs(heartbeat(2), 128)).toBe(Math.ceil(2 * (PRICES.lambdaOneVcpuMemoryMb / 128) + PRICES.dynamodbRoundTripMs));
    // At or above one vCPU the CPU is not slowed.
    expect(regionMs(heartbeat(2), 2048)).toBe(2 + PRICES.dynamodbRoundTripMs);
    // A larger memory size runs the CPU faster but bills each millisecond dearer.
    const at = (mb: number) => perMillion(heartbeat(2), mb, viaGateway, deployed).parts.lambda;
    expect(at(128)).toBeLessThan(at(512));
  });

  it('prices a heartbeat from its parts: API Gateway, the Lambda request and duration, the one WCU, the sampled summary', () => {
    const p = perMillion(heartbeat(2), 128, viaGateway, deployed);
    expect(p.parts.apiGateway).toBe(PRICES.apiGatewayHttpPerMillion);
    expect(p.parts.dynamodb).toBe(PRICES.dynamodbOnDemandWritePerMillion);
    const ms = regionMs(heartbeat(2), 128);
    expect(p.parts.lambda).toBeCloseTo(PRICES.lambdaRequestsPerMillion + (ms / 1000) * (128 / 1024) * PRICES.lambdaArmGbSecond * 1e6, 9);
    expect(p.parts.logs).toBeCloseTo(((360 / 20) * 1e6 * PRICES.cloudwatchLogsIngestionPerGb) / 1024 ** 3, 9);
    expect(p.perMillion).toBeCloseTo(p.parts.apiGateway + p.parts.lambda + p.parts.dynamodb + p.parts.logs, 9);
    // Without API Gateway (the node endpoint's Function URL) that dollar goes.
    expect(perMillion(heartbeat(2), 128, nodeEndpoint, deployed).perMillion).toBeCloseTo(p.perMillion - PRICES.apiGatewayHttpPerMillion, 9);
  });

  it("adds Lambda's own START/END/REPORT lines only where the system log level writes them", () => {
    const on = perMillion(heartbeat(2), 128, viaGateway, { ...deployed, platformLines: true }).parts.logs;
    const off = perMillion(heartbeat(2), 128, viaGateway, deployed).parts.logs;
    expect(on - off).toBeCloseTo((PRICES.lambdaPlatformLogBytesPerInvocation * 1e6 * PRICES.cloudwatchLogsIngestionPerGb) / 1024 ** 3, 9);
  });
});
