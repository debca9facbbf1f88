import type { RouteSpec } from '../route';
import * as audit from './audit';
import * as autopilot from './autopilot';
import * as clients from './clients';
import * as cluster from './cluster';
import * as cockroach from './cockroach';
import * as webConsole from './console';
import * as drain from './drain';
import * as identity from './identity';
import * as identityCompat from './identity-compat';
import * as leases from './leases';
import * as sensuCluster from './sensu-cluster';
import * as system from './system';

/**
 * The route table: every HTTP route Roster serves, with who may call it and the
 * schemas of its input. The local server, the OpenAPI document, serverless.yml and
 * its IAM are all derived from (or checked against) this list.
 */
export const routes: readonly RouteSpec[] = [
  ...Object.values(system),
  ...Object.values(leases),
  ...Object.values(drain),
  ...Object.values(cockroach),
  ...Object.values(cluster),
  ...Object.values(autopilot),
  ...Object.values(sensuCluster),
  ...Object.values(clients),
  ...Object.values(identity),
  ...Object.values(identityCompat),
  ...Object.values(audit),
  ...Object.values(webConsole),
];

/** The routes API Gateway serves on AWS: every route but the local-only ones. */
export const deployedRoutes: readonly RouteSpec[] = routes.filter((r) => r.deployed !== false);

export { NOT_FOUND_FN } from '../route';
