import { describe, expect, it } from 'vitest';
import {
  atoi,
  hotRangeInfo,
  LIVENESS,
  loginCredentials,
  nodeStatus,
  paginate,
  paging,
  rangeDescriptor,
  rangeIds,
  rangeInfo,
  serverVersion,
} from '../../lib/compat/cockroach';
import { crdbSession, crdbSessionsPage } from '../../lib/compat/cockroach-sessions';
import { heartbeatWrite } from '../../lib/cluster/member-state-store';
import { contractErrors } from '../support/crdb-contract';

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
  it('renders a member as a nodeStatus with nanosecond times and every field the Go struct has', () => {
    expect(nodeStatus(node)).toEqual({
      node_id: 4,
      address: { network_field: 'tcp', address_field: '10.0.0.4:7000' },
      attrs: {},
      locality: { tiers: [] },
      ServerVersion: { major_val: 1, minor_val: 4, patch: 2, internal: 0 },
      build_tag: 'v1.4.2',
      started_at: Date.UTC(2026, 0, 1) * 1_000_000,
      cluster_name: '',
      sql_address: { network_field: 'tcp', address_field: '10.0.0.4:8443' },
      metrics: {},
      total_system_memory: 0,
      num_cpus: 0,
      updated_at: Date.UTC(2026, 0, 1, 0, 0, 3) * 1_000_000,
      liveness_status: LIVENESS.LIVE,
    });
    expect(contractErrors('nodes', { nodes: [nodeStatus(node)] })).toEqual([]);
  });

  it('shows the machine a node reported as num_cpus and total_system_memory', () => {
    const reported = nodeStatus({ ...node, numCpus: 8, totalSystemMemory: 34_359_738_368 });
    expect(reported).toMatchObject({ num_cpus: 8, total_system_memory: 34_359_738_368 });
    expect(contractErrors('nodes', { nodes: [reported] })).toEqual([]);
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

describe('CockroachDB paging', () => {
  it('reads limit and offset as Go strconv.Atoi does, and never refuses them', () => {
    expect(atoi('12')).toBe(12);
    expect(atoi('+3')).toBe(3);
    expect(atoi('-1')).toBe(-1);
    for (const bad of [undefined, '', 'ten', '1.5', '1e3', ' 1', '99999999999999999999']) expect(atoi(bad)).toBeUndefined();
    expect(paging({})).toEqual({ limit: 0, offset: 0 });
    expect(paging({ limit: '0', offset: '5' })).toEqual({ limit: 0, offset: 0 });
    expect(paging({ limit: 'abc', offset: '5' })).toEqual({ limit: 0, offset: 0 });
    expect(paging({ limit: '99999999999999999999' })).toEqual({ limit: 0, offset: 0 });
    expect(paging({ limit: '2', offset: '-4' })).toEqual({ limit: 2, offset: 0 });
    expect(paging({ limit: '2', offset: 'x' })).toEqual({ limit: 2, offset: 0 });
    expect(paging({ limit: '2', start: '6' })).toEqual({ limit: 2, offset: 6 });
  });

  it('pages as simplePaginate: everything without a limit, no next once nothing follows', () => {
    const items = [1, 2, 3, 4, 5];
    expect(paginate(items, { limit: 0, offset: 0 })).toEqual({ page: items });
    expect(paginate(items, { limit: 2, offset: 0 })).toEqual({ page: [1, 2], next: 2 });
    expect(paginate(items, { limit: 2, offset: 4 })).toEqual({ page: [5] });
    expect(paginate(items, { limit: 2, offset: 3 })).toEqual({ page: [4, 5] });
    expect(paginate(items, { limit: 2, offset: 50 })).toEqual({ page: [] });
    expect(paginate(items, { limit: 1000, offset: 0 })).toEqual({ page: items });
  });

  it('filters node ranges by ?ranges=, refusing an id that is no integer as CockroachDB does', () => {
    expect(rangeIds(undefined)).toBeUndefined();
    expect(rangeIds('')).toBeUndefined();
    expect([...rangeIds('1,2')!]).toEqual([1, 2]);
    expect(() => rangeIds('1,x')).toThrow('invalid range ID');
    expect(() => rangeIds('1,')).toThrow('invalid range ID');
  });
});

describe('CockroachDB login credentials', () => {
  it('takes the form first, then the query string, as r.ParseForm merges them', () => {
    expect(loginCredentials({ username: 'a@x.io', password: 'pw' }, { username: 'b@x.io', password: 'other' })).toEqual({
      username: 'a@x.io',
      password: 'pw',
    });
    expect(loginCredentials(undefined, { username: 'b@x.io', password: 'pw' })).toEqual({ username: 'b@x.io', password: 'pw' });
    expect(loginCredentials({}, { username: 'b@x.io' })).toEqual({ username: 'b@x.io', password: '' });
    expect(() => loginCredentials(undefined, {})).toThrow('username not specified');
  });
});

describe('CockroachDB hot ranges and sessions', () => {
  const lease = {
    name: 'jobs:leader',
    rangeId: 12,
    holder: 4,
    fencingToken: 9,
    acquiredAt: 1_000,
    expiresAt: 61_000,
    queriesPerSecond: 0.5,
  };

  it('renders a lease as the current hotRangeInfo, and as the older rangeDescriptorInfo', () => {
    expect(hotRangeInfo(lease)).toMatchObject({
      range_id: 12,
      node_id: 4,
      leaseholder_node_id: 4,
      store_id: 4,
      qps: 0.5,
      replica_node_ids: [4],
    });
    expect(
      contractErrors('hot-ranges', { ranges: [hotRangeInfo(lease)], ranges_by_node_id: { '4': [rangeDescriptor(lease)], '5': [] } }),
    ).toEqual([]);
  });

  const session = {
    id: 'ab'.repeat(32),
    email: 'ops@example.com',
    kind: 'crdb',
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    lastActiveAt: 0,
  };

  it('renders a session as serverpb.Session: RFC 3339 times, the status number, no nulls', () => {
    const s = crdbSession(session);
    expect(s.start).toBe('2026-01-02T03:04:05.006Z');
    expect(s.status).toBe(2);
    expect(s.total_active_time).toBe(0);
    expect(Buffer.from(s.id, 'base64')).toHaveLength(16);
    expect(Object.values(s)).not.toContain(null);
    expect(s).not.toHaveProperty('active_txn');
    expect(s).not.toHaveProperty('end');
    expect(contractErrors('sessions', crdbSessionsPage([session], { limit: 0, offset: 0 }))).toEqual([]);
  });

  it('leaves next out of the last sessions page', () => {
    const three = [session, session, session];
    expect(crdbSessionsPage(three, { limit: 2, offset: 0 }).next).toBe('2');
    expect(crdbSessionsPage(three, { limit: 2, offset: 2 })).not.toHaveProperty('next');
  });

  it('the contract schemas refuse what a Go client could not decode', () => {
    expect(contractErrors('sessions', { sessions: [{ start: 1_700_000_000_000_000_000 }] })).not.toEqual([]);
    expect(contractErrors('sessions', { sessions: [{ status: 'IDLE' }] })).not.toEqual([]);
    expect(contractErrors('sessions', { sessions: [{ active_txn: null }] })).not.toEqual([]);
    expect(contractErrors('nodes', { nodes: [{ ...nodeStatus(node), num_cpus: undefined }] })).not.toEqual([]);
    expect(contractErrors('nodes', { nodes: [{ ...nodeStatus(node), started_at: '1' }] })).not.toEqual([]);
    expect(contractErrors('hot-ranges', { ranges_by_node_id: {} })).not.toEqual([]);
  });
});

describe("a node's machine report", () => {
  it('is written by the heartbeat only when sent, so a bare heartbeat keeps the last report', () => {
    expect(heartbeatWrite('t', 1, 'h', 5).UpdateExpression).toBe('SET lastHeartbeatAt = :now');
    const reported = heartbeatWrite('t', 1, 'h', 5, { numCpus: 4 });
    expect(reported.UpdateExpression).toBe('SET lastHeartbeatAt = :now, numCpus = :numCpus');
    expect(reported.ExpressionAttributeValues).toEqual({ ':now': 5, ':hash': 'h', ':numCpus': 4 });
  });
});
