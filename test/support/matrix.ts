import type { Caller } from '../../lib/identity/roles';
import type { client } from './http';
import type { Example } from './examples';
import type { Runtime } from './runtime';
import { clientsFixtures } from './clients-fixtures';
import { clusterFixtures } from './cluster-fixtures';
import { identityFixtures } from './identity-fixtures';

export type Client = ReturnType<typeof client>;

/** What a fixture gets to prepare one cell of the access matrix (test/integration/access-matrix.test.ts). */
export interface CellContext {
  rt: Runtime;
  /** Who calls in this cell. */
  caller: Caller;
  /** An admin, for setting things up. */
  admin: Client;
  /** The calling user's email and password (role columns), so a route about "me" can use them. */
  user?: { email: string; password: string };
  /** The matrix's node: member 1, the leader, and a client holding its node credential. */
  node: { nodeId: number; client: Client };
  /** Joins a fresh member (a nonvoter) and returns it with a client holding its credential. */
  join(): Promise<{ nodeId: number; client: Client }>;
  /** A number no other cell of the run got (for names and node ids). */
  unique(): number;
}

/**
 * Prepares what a route needs for a request to succeed (a member to remove, a lease to
 * release) and returns that request. The matrix calls it for every cell whose caller the
 * route admits, and expects the route's success status (or the example's `status`). A
 * route whose static example (./examples) already succeeds for every admitted caller needs
 * none. Keyed by the route's `fn`; each capability keeps its own in ./<capability>-fixtures.ts.
 */
export type Fixture = (ctx: CellContext) => Promise<Example>;

export const fixtures: Record<string, Fixture> = {
  ...clusterFixtures,
  ...clientsFixtures,
  ...identityFixtures,
};
