import * as z from '../../zod';
import { ADMIN, NODES, OPERATORS, READERS } from '../../identity/principal';
import { NODE_CREDENTIAL, USER_CREDENTIALS, USER_OR_NODE_CREDENTIALS } from '../../identity/resolvers';
import type { Access } from '../../identity/roles';
import { NODE_PATH_MEMORY_MB, route } from '../route';
import { boolParam, intParam, nodeId } from '../schemas';

/** `host:port` or a URL: it must parse, with a host. */
const address = z.string().check(
  z.minLength(1),
  z.maxLength(255),
  z.refine((s) => {
    try {
      return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `tcp://${s}`).hostname !== '';
    } catch {
      return false;
    }
  }, 'must be host:port or a URL'),
);

const idParams = z.strictObject({ id: nodeId });

export const listMembersRoute = route({
  fn: 'members-list',
  method: 'GET',
  path: '/api/v1/cluster/members',
  surface: 'ella',
  access: READERS,
  credentials: USER_OR_NODE_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'Every cluster member by node id (the whole list, or a page with page and per_page, or per_page and next)',
  query: z.object({
    page: z.optional(intParam(1, 1_000_000)),
    per_page: z.optional(intParam(1, 1000)),
    // Roster's addition: the cursor a paged answer returns, for the page after it at the cost of that page.
    next: z.optional(z.string().check(z.maxLength(512))),
  }),
  paging: 'per_page and next, or page',
});

export const getMemberRoute = route({
  fn: 'member-get',
  method: 'GET',
  path: '/api/v1/cluster/members/{id}',
  surface: 'ella',
  access: READERS,
  credentials: USER_OR_NODE_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'One cluster member',
  params: idParams,
});

export const removeMemberRoute = route({
  fn: 'member-remove',
  method: 'DELETE',
  path: '/api/v1/cluster/members/{id}',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Remove a drained member (or any but the leader with force=true), revoking its leases',
  params: idParams,
  query: z.object({ force: z._default(boolParam, false) }),
  bodyKind: 'none',
});

export const promoteMemberRoute = route({
  fn: 'member-promote',
  method: 'POST',
  path: '/api/v1/cluster/members/{id}/promote',
  surface: 'ella',
  access: OPERATORS,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Promote a nonvoter to voter',
  params: idParams,
  bodyKind: 'none',
});

export const createJoinTokenRoute = route({
  fn: 'join-token-create',
  method: 'POST',
  path: '/api/v1/cluster/pki/join-tokens',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 201,
  summary: 'Mint a single-use join token bound to a node id',
  body: z.strictObject({
    nodeID: z.number().check(z.int(), z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
    ttlSeconds: z._default(z.number().check(z.int(), z.minimum(300), z.maximum(86_400)), 1800),
  }),
});

/** What a node may report of its machine, at join and in heartbeats (CockroachDB's num_cpus, total_system_memory). */
const machine = {
  numCpus: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000))),
  totalSystemMemory: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER))),
};

export const listJoinTokensRoute = route({
  fn: 'join-tokens-list',
  method: 'GET',
  path: '/api/v1/cluster/pki/join-tokens',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'The join tokens that can still join (unused, unexpired): ids, never the tokens',
});

export const revokeJoinTokenRoute = route({
  fn: 'join-token-revoke',
  method: 'DELETE',
  path: '/api/v1/cluster/pki/join-tokens/{id}',
  surface: 'ella',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 204,
  summary: 'Revoke an unused join token: a join with it fails from then on',
  params: z.strictObject({ id: z.uuid('must be a join token id (a UUID)') }),
  bodyKind: 'none',
});

/** An admin for any member; a node for its own (the handler checks which). */
const ADMIN_OR_NODE = ['admin', 'node'] as const satisfies Access;

export const rotateCredentialRoute = route({
  fn: 'member-credential',
  method: 'POST',
  path: '/api/v1/cluster/members/{id}/credential',
  surface: 'ella',
  access: ADMIN_OR_NODE,
  credentials: USER_OR_NODE_CREDENTIALS,
  // The rotation's one write checks the caller's credential hash: no read before it.
  nodeCredential: 'checked-in-write',
  store: 'write',
  status: 200,
  summary: "Rotate a node's credential (an admin any member's, a node its own): the old one stops at once",
  params: idParams,
  bodyKind: 'none',
});

export const joinClusterRoute = route({
  fn: 'cluster-join',
  method: 'POST',
  path: '/api/v1/cluster/join',
  surface: 'ella',
  access: 'public', // the join token is the credential
  store: 'write',
  status: 201,
  summary: 'Redeem a join token: become a member and receive a node credential',
  // z.extend rather than a spread of `machine`: a spread is never pure, so it kept this route in every bundle of the module.
  body: z.extend(
    z.strictObject({
      token: z.string().check(z.minLength(1), z.maxLength(4096)),
      raftAddress: address,
      apiAddress: address,
      binaryVersion: z.string().check(z.minLength(1), z.maxLength(64)),
      certFingerprint: z.string().check(z.regex(/^[A-Za-z0-9:+/=_.-]{1,256}$/, 'must be 1-256 characters of a fingerprint')),
    }),
    machine,
  ),
});

export const heartbeatRoute = route({
  fn: 'member-heartbeat',
  method: 'POST',
  path: '/api/v1/cluster/members/{id}/heartbeat',
  surface: 'ella',
  access: NODES,
  credentials: NODE_CREDENTIAL,
  // The heartbeat's one write checks the credential's hash: no read before it.
  nodeCredential: 'checked-in-write',
  memorySize: NODE_PATH_MEMORY_MB,
  store: 'write',
  status: 200,
  summary: "A node's heartbeat for its own member; the leader's also renews the leader lease",
  params: idParams,
  // Optional: a node may report its machine (shown on the CockroachDB surface); no body is fine.
  body: z.strictObject(machine),
});
