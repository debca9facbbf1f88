import { describe, expect, it } from 'vitest';
import { routeMetrics } from '../../lib/route-metrics';

const usage = (calls: number, rcu: number, wcu: number) => ({
  dynamodb: { calls, attempts: calls, rcu, wcu },
  stepfunctions: { calls: 0 },
});

describe('per-route metrics in embedded metric format', () => {
  it('aggregates a period of requests into one line, never a line per request', () => {
    const lines: string[] = [];
    const m = routeMetrics('member-heartbeat', (l) => lines.push(l), 60_000);
    m.record(200, 5, usage(1, 0, 1), 1.5, 0);
    m.record(200, 7, usage(1, 0, 1), 2, 10_000);
    m.record(409, 9, usage(2, 0.5, 0), 0.5, 59_999);
    expect(lines).toEqual([]);
    m.record(503, 30, usage(1, 0, 0), 1, 60_000);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      Function: 'member-heartbeat',
      Requests: 4,
      Status2xx: 2,
      Status4xx: 1,
      Status5xx: 1,
      Latency: [5, 7, 9, 30],
      DynamoDBCalls: 5,
      CpuTime: 5,
      ConsumedReadCapacity: 0.5,
      ConsumedWriteCapacity: 2,
    });
    const directive = line._aws.CloudWatchMetrics[0];
    expect(directive.Namespace).toBe('Roster');
    expect(directive.Dimensions).toEqual([['Function']]);
    // Every metric the directive names is a member of the line, as CloudWatch requires.
    for (const { Name } of directive.Metrics) expect(line).toHaveProperty(Name);
    expect(line._aws.Timestamp).toBe(60_000);
  });

  it('starts a new window after a flush and keeps at most 100 latency samples', () => {
    const lines: string[] = [];
    const m = routeMetrics('lease-put', (l) => lines.push(l), 1_000);
    for (let i = 0; i < 500; i++) m.record(200, i, undefined, 0, i);
    m.record(200, 1, undefined, 0, 1_000);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).Latency).toHaveLength(100);
    expect(JSON.parse(lines[0]!).Requests).toBe(501);
    m.record(200, 1, undefined, 0, 1_500);
    m.flush(2_000);
    expect(JSON.parse(lines[1]!).Requests).toBe(1);
  });
});
