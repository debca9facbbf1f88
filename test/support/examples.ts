import { auditExamples } from './audit-examples';
import { clientsExamples } from './clients-examples';
import { clusterExamples } from './cluster-examples';
import { identityExamples } from './identity-examples';

export interface Example {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The success status when it is not the route's own (a handler choosing another). */
  status?: number;
}

/**
 * A valid request for every route of the table, keyed by the route's `fn`: the suites
 * that walk the table (fuzzing, access control) start from it. Ids may name nothing: a 404
 * after authorization still shows the request got through. test/unit/examples.test.ts
 * fails when a route has none.
 */
export const examples: Record<string, Example> = {
  ...clusterExamples,
  ...identityExamples,
  ...clientsExamples,
  ...auditExamples,
  health: { path: '/api/v1/health' },
  status: { path: '/api/v1/status' },
  'crdb-health': { path: '/api/v2/health/' },
  'lease-put': { path: '/api/v1/leases/fuzz-lease', body: { ttlSeconds: 30 } },
  'lease-release': { path: '/api/v1/leases/fuzz-lease?fencingToken=1' },
  'lease-get': { path: '/api/v1/leases/fuzz-lease' },
  'leases-list': { path: '/api/v1/leases?limit=10' },
  'member-drain': { path: '/api/v1/cluster/members/424242/drain', body: { deadlineSeconds: 0 } },
  'member-resume': { path: '/api/v1/cluster/members/424242/resume' },
  'crdb-nodes': { path: '/api/v2/nodes/?limit=10' },
  'crdb-node-ranges': { path: '/api/v2/nodes/1/ranges/' },
  'crdb-hot-ranges': { path: '/api/v2/ranges/hot/' },
  'crdb-range': { path: '/api/v2/ranges/1/' },
  // The page exists only when the run's build has it: a test build always does.
  console: { path: '/ui/' },
};
