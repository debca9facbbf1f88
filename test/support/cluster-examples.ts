/**
 * A valid example request for each membership route, keyed by the route's `fn`, for tests
 * that walk the whole route table (the RBAC matrix). Ids may name no member: a 404 after
 * authorization still shows the caller got through.
 */
export const clusterExamples: Record<string, { path: string; body?: unknown; headers?: Record<string, string> }> = {
  'members-list': { path: '/api/v1/cluster/members' },
  'member-get': { path: '/api/v1/cluster/members/1' },
  'member-remove': { path: '/api/v1/cluster/members/424242?force=true' },
  'member-promote': { path: '/api/v1/cluster/members/424242/promote' },
  'member-heartbeat': { path: '/api/v1/cluster/members/1/heartbeat' },
  autopilot: { path: '/api/v1/cluster/autopilot' },
  'join-token-create': { path: '/api/v1/cluster/pki/join-tokens', body: { nodeID: 424242, ttlSeconds: 300 } },
  'join-tokens-list': { path: '/api/v1/cluster/pki/join-tokens' },
  'join-token-revoke': { path: '/api/v1/cluster/pki/join-tokens/00000000-0000-4000-8000-000000000000' },
  'member-credential': { path: '/api/v1/cluster/members/424242/credential' },
  // Public: the token is the credential, so a bad one is 401 for everybody.
  'cluster-join': {
    path: '/api/v1/cluster/join',
    body: {
      token: 'not.a.token',
      raftAddress: '10.0.0.1:7000',
      apiAddress: '10.0.0.1:5002',
      binaryVersion: 'v1',
      certFingerprint: 'sha256:ab',
    },
  },
  'sensu-members-list': { path: '/api/core/v2/cluster/members' },
  'sensu-member-add': { path: '/api/core/v2/cluster/members?peer-addrs=https://10.9.9.9:7000' },
  'sensu-member-update': { path: '/api/core/v2/cluster/members/67b22?peer-addrs=https://10.9.9.9:7000' },
  'sensu-member-remove': { path: '/api/core/v2/cluster/members/67b22' },
  'sensu-cluster-id': { path: '/api/core/v2/cluster/id' },
};
