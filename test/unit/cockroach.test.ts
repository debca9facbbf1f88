import { describe, expect, it } from 'vitest';
import { LIVENESS, nodeStatus, rangeDescriptor, rangeInfo, serverVersion } from '../../lib/compat/cockroach';

const node = {
  nodeId: 4,
  raftAddress: '10.0.0.4:7000',
  apiAddress: '10.0.0.4:8443',
  binaryVersion: 'v1.4.2',
  joinedAt: Date.UTC(2026, 0, 1),
  lastHeartbeatAt: Date.UTC(2026, 0, 1, 0, 0, 3),
  nodeStatus: 'alive' as const,
  drainState: 'active' as const,
};

describe('the CockroachDB v2 wire format', () => {
  it('renders a member as a nodeStatus with nanosecond times', () => {
    expect(nodeStatus(node)).toEqual({
      node_id: 4,
      address: { network_field: 'tcp', address_field: '10.0.0.4:7000' },
      sql_address: { network_field: 'tcp', address_field: '10.0.0.4:8443' },
      ServerVersion: { major_val: 1, minor_val: 4, patch: 2, internal: 0 },
      build_tag: 'v1.4.2',
      started_at: Date.UTC(2026, 0, 1) * 1_000_000,
      updated_at: Date.UTC(2026, 0, 1, 0, 0, 3) * 1_000_000,
      liveness_status: LIVENESS.LIVE,
      locality: { tiers: [] },
      attrs: {},
      metrics: {},
    });
  });

  it('maps health and drain to liveness', () => {
    expect(nodeStatus({ ...node, nodeStatus: 'failed' }).liveness_status).toBe(LIVENESS.UNAVAILABLE);
    expect(nodeStatus({ ...node, nodeStatus: 'unknown' }).liveness_status).toBe(LIVENESS.UNKNOWN);
    expect(nodeStatus({ ...node, drainState: 'draining' }).liveness_status).toBe(LIVENESS.DRAINING);
    expect(nodeStatus({ ...node, drainState: 'drained' }).liveness_status).toBe(LIVENESS.DECOMMISSIONING);
  });

  it('reads versions that are not plain semver', () => {
    expect(serverVersion('2.0.0-rc.1')).toEqual({ major_val: 2, minor_val: 0, patch: 0, internal: 0 });
    expect(serverVersion('v24.1')).toEqual({ major_val: 24, minor_val: 1, patch: 0, internal: 0 });
    expect(serverVersion('dev')).toEqual({ major_val: 0, minor_val: 0, patch: 0, internal: 0 });
  });

  const lease = {
    name: 'jobs:leader',
    rangeId: 12,
    holder: 4,
    fencingToken: 9,
    acquiredAt: 1_000,
    expiresAt: 61_000,
    queriesPerSecond: 0.5,
  };

  it('renders a lease as a range whose keys are the base64 bytes of its span', () => {
    expect(rangeDescriptor(lease)).toEqual({
      range_id: 12,
      start_key: Buffer.from('jobs:leader').toString('base64'),
      end_key: Buffer.from('jobs:leader\u0000').toString('base64'),
      store_id: 4,
      queries_per_second: 0.5,
    });
  });

  it('shows the leaseholder with the fencing token as the lease sequence, and no lease once expired', () => {
    const live = rangeInfo(lease, 30_000);
    expect(live.source_node_id).toBe(4);
    expect(live.lease_history).toEqual([
      {
        start: { wall_time: 1_000_000_000, logical: 0 },
        expiration: { wall_time: 61_000_000_000, logical: 0 },
        replica: { node_id: 4, store_id: 4, replica_id: 1, type: 0 },
        sequence: 9,
        epoch: 0,
      },
    ]);
    expect(live.problems.no_lease).toBe(false);
    expect(rangeInfo(lease, 90_000).problems.no_lease).toBe(true);
    expect(rangeInfo({ ...lease, holder: undefined }, 30_000).lease_history).toEqual([]);
  });
});
