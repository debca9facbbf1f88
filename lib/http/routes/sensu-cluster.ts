import * as z from '../../zod';
import { canonicalPeerUrl } from '../../cluster/rules';
import { splitPeerAddrs } from '../../compat/sensu-cluster';
import { ADMIN, READERS } from '../../identity/principal';
import { USER_CREDENTIALS, USER_OR_NODE_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';
import { hexNodeId } from '../schemas';

/** `peer-addrs=a,b`: one or more distinct http(s) URLs. */
const peerAddrs = z.pipe(
  z.pipe(z.string(), z.transform(splitPeerAddrs)),
  z.array(z.url({ protocol: /^https?$/ }).check(z.maxLength(255))).check(
    z.minLength(1, 'must name at least one peer URL'),
    z.maxLength(16),
    z.refine((urls) => new Set(urls.map(canonicalPeerUrl)).size === urls.length, 'must not name one peer URL twice'),
  ),
);

const hexParams = z.strictObject({ id: hexNodeId });

export const sensuListMembersRoute = route({
  fn: 'sensu-members-list',
  method: 'GET',
  path: '/api/core/v2/cluster/members',
  surface: 'sensu',
  access: READERS,
  credentials: USER_OR_NODE_CREDENTIALS,
  store: 'write', // the header shows the cluster id, minted at its first read
  status: 200,
  summary: 'Sensu Go: the cluster members, with the cluster id, leader and term',
  paging: "Ella's GET /api/v1/cluster/members with per_page and next",
});

export const sensuAddMemberRoute = route({
  fn: 'sensu-member-add',
  method: 'POST',
  path: '/api/core/v2/cluster/members',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Sensu Go: add a nonvoter member with these peer URLs, for a node to claim with a join token',
  query: z.object({ 'peer-addrs': peerAddrs }),
  bodyKind: 'none',
});

export const sensuUpdateMemberRoute = route({
  fn: 'sensu-member-update',
  method: 'PUT',
  path: '/api/core/v2/cluster/members/{id}',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: "Sensu Go: update a member's peer URLs",
  params: hexParams,
  query: z.object({ 'peer-addrs': peerAddrs }),
  bodyKind: 'none',
});

export const sensuRemoveMemberRoute = route({
  fn: 'sensu-member-remove',
  method: 'DELETE',
  path: '/api/core/v2/cluster/members/{id}',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 202,
  summary: 'Sensu Go: remove a member without the drain precondition (never the leader), revoking its leases',
  params: hexParams,
  bodyKind: 'none',
});

export const sensuClusterIdRoute = route({
  fn: 'sensu-cluster-id',
  method: 'GET',
  path: '/api/core/v2/cluster/id',
  surface: 'sensu',
  access: READERS,
  credentials: USER_OR_NODE_CREDENTIALS,
  store: 'write', // the first read mints the cluster id
  status: 200,
  summary: 'Sensu Go: the cluster id, as a JSON string',
});
