import * as z from '../../zod';
import { clientDefinition } from '../../clients/definition';
import { exactJson } from '../../clients/json';
import { ADMIN, USERS } from '../../identity/principal';
import { USER_CREDENTIALS, USER_OR_BASIC_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';
import { boolParam, intParam, sensuName } from '../schemas';

/**
 * The client registry: Sensu 1.x's `/clients` (the `default` namespace) and the same
 * registry per namespace on the Sensu Go surface. Client bodies are free-form (see
 * lib/clients/definition.ts), read and answered with `exactJson` so that their numbers stay
 * as written (lib/clients/json.ts). A classic path names its client with any string: a name
 * Sensu's routes would not match is a 404 there, as in Sensu.
 */

const listQuery = z.object({
  limit: z.optional(intParam(0, 100_000)),
  offset: z.optional(intParam(0, 1_000_000_000)),
  keepalive_status: z.optional(z.enum(['ok', 'warning', 'critical'])),
});

const removeQuery = z.object({
  invalidate: z.optional(boolParam),
  invalidate_expire: z.optional(intParam(0, 31_536_000)),
});

const classicClient = z.strictObject({ client: z.string() });
const namespace = z.strictObject({ namespace: sensuName });
const namespacedClient = z.strictObject({ namespace: sensuName, name: sensuName });

export const listClassicClientsRoute = route({
  fn: 'clients-list',
  method: 'GET',
  path: '/clients',
  surface: 'classic',
  access: USERS,
  credentials: USER_OR_BASIC_CREDENTIALS,
  basicAuth: true,
  store: 'read',
  status: 200,
  summary: 'Sensu classic: the clients (limit/offset with X-Pagination; keepalive_status filters)',
  query: listQuery,
  json: exactJson,
});

export const registerClassicClientRoute = route({
  fn: 'client-register',
  method: 'POST',
  path: '/clients',
  surface: 'classic',
  access: ADMIN,
  credentials: USER_OR_BASIC_CREDENTIALS,
  basicAuth: true,
  store: 'write',
  status: 201,
  summary: 'Sensu classic: create or update a client (free-form definition with a valid name)',
  body: clientDefinition,
  json: exactJson,
});

export const getClassicClientRoute = route({
  fn: 'client-get',
  method: 'GET',
  path: '/clients/{client}',
  surface: 'classic',
  access: USERS,
  credentials: USER_OR_BASIC_CREDENTIALS,
  basicAuth: true,
  store: 'read',
  status: 200,
  summary: 'Sensu classic: one client, redacted, with its keepalive status',
  params: classicClient,
  json: exactJson,
});

export const removeClassicClientRoute = route({
  fn: 'client-remove',
  method: 'DELETE',
  path: '/clients/{client}',
  surface: 'classic',
  access: ADMIN,
  credentials: USER_OR_BASIC_CREDENTIALS,
  basicAuth: true,
  store: 'write',
  status: 202,
  summary: 'Sensu classic: remove a client; invalidate=true&invalidate_expire=N refuses it for N seconds more',
  params: classicClient,
  query: removeQuery,
  bodyKind: 'none',
});

export const classicClientKeepaliveRoute = route({
  fn: 'client-keepalive',
  method: 'POST',
  path: '/clients/{client}/keepalive',
  surface: 'classic',
  access: ADMIN,
  credentials: USER_OR_BASIC_CREDENTIALS,
  basicAuth: true,
  store: 'write',
  status: 200,
  summary: 'Sensu classic: record a keepalive of a registered client (409 while invalidated)',
  params: classicClient,
  bodyKind: 'none',
  json: exactJson,
});

const preflight = (path: string) =>
  route({
    fn: 'clients-preflight',
    method: 'OPTIONS',
    path,
    surface: 'classic',
    access: 'public',
    store: 'none',
    status: 200,
    summary: "Sensu classic: CORS preflight (Sensu's headers, empty body)",
    bodyKind: 'none',
  });

export const preflightClientsRoute = preflight('/clients');
export const preflightClientRoute = preflight('/clients/{client}');
export const preflightClientKeepaliveRoute = preflight('/clients/{client}/keepalive');

export const listNamespaceClientsRoute = route({
  fn: 'ns-clients-list',
  method: 'GET',
  path: '/api/core/v2/namespaces/{namespace}/clients',
  surface: 'sensu',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: "Sensu Go: a namespace's clients (limit/offset with X-Pagination; keepalive_status filters)",
  params: namespace,
  query: listQuery,
  json: exactJson,
});

export const registerNamespaceClientRoute = route({
  fn: 'ns-client-register',
  method: 'POST',
  path: '/api/core/v2/namespaces/{namespace}/clients',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 201,
  summary: 'Sensu Go: create or update a client in a namespace',
  params: namespace,
  body: clientDefinition,
  json: exactJson,
});

export const getNamespaceClientRoute = route({
  fn: 'ns-client-get',
  method: 'GET',
  path: '/api/core/v2/namespaces/{namespace}/clients/{name}',
  surface: 'sensu',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'Sensu Go: one client of a namespace',
  params: namespacedClient,
  json: exactJson,
});

export const removeNamespaceClientRoute = route({
  fn: 'ns-client-remove',
  method: 'DELETE',
  path: '/api/core/v2/namespaces/{namespace}/clients/{name}',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 202,
  summary: 'Sensu Go: remove a client of a namespace (invalidate and invalidate_expire as classic)',
  params: namespacedClient,
  query: removeQuery,
  bodyKind: 'none',
});

export const namespaceClientKeepaliveRoute = route({
  fn: 'ns-client-keepalive',
  method: 'POST',
  path: '/api/core/v2/namespaces/{namespace}/clients/{name}/keepalive',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'write',
  status: 200,
  summary: 'Sensu Go: record a keepalive of a client of a namespace',
  params: namespacedClient,
  bodyKind: 'none',
  json: exactJson,
});

export const listEveryClientRoute = route({
  fn: 'clients-all',
  method: 'GET',
  path: '/api/core/v2/clients',
  surface: 'sensu',
  access: ADMIN,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'Sensu Go: the clients of every namespace, each naming its namespace (admins only)',
  query: listQuery,
  json: exactJson,
});
