import { config } from '../config';
import { Conflict, NotFound } from '../errors';
import * as clients from './client-store';
import { NAME, page, registration, viewOf, type ClientDefinition, type ClientView, type KeepaliveStatus } from './rules';

/**
 * The client registry's use cases (Sensu classic and Sensu Go surfaces): register, read, list,
 * keep alive, remove; the client store's outcomes told as DomainErrors.
 */

/** The namespace the classic `/clients` routes serve. */
export const DEFAULT_NAMESPACE = 'default';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface ListQuery {
  limit?: number;
  offset?: number;
  keepaliveStatus?: KeepaliveStatus;
}

/** A page of a list, with Sensu's X-Pagination header when a limit was asked for. */
export interface ClientPage<T> {
  items: T[];
  headers: Record<string, string>;
}

/** Sensu's X-Pagination header, only when a limit was asked for. */
const pagination = (query: ListQuery, total: number): Record<string, string> =>
  query.limit === undefined ? {} : { 'X-Pagination': JSON.stringify({ limit: query.limit, offset: query.offset ?? 0, total }) };

/**
 * A list as Sensu pages it: status filter first, then limit/offset; `total` counts what the
 * filter kept. Without a filter and with a limit, the store reads the page alone (and counts
 * the rest); a status is computed from each definition, so a filtered list reads them all.
 */
async function listOf<S, T>(
  query: ListQuery,
  store: { all: () => Promise<S[]>; page: (offset: number, limit: number) => Promise<clients.Page<S>> },
  view: (stored: S) => T,
  statusOf: (item: T) => KeepaliveStatus,
): Promise<ClientPage<T>> {
  if (query.limit !== undefined && query.keepaliveStatus === undefined) {
    const { items, total } = await store.page(query.offset ?? 0, query.limit);
    return { items: items.map(view), headers: pagination(query, total) };
  }
  const all = (await store.all()).map(view);
  const kept = query.keepaliveStatus ? all.filter((item) => statusOf(item) === query.keepaliveStatus) : all;
  return { items: page(kept, query.limit, query.offset ?? 0), headers: pagination(query, kept.length) };
}

const invalidatedError = (namespace: string, name: string, until: number, now: number) =>
  new Conflict(`Client ${name} in namespace ${namespace} is invalidated until ${until}`, Math.max(1, until - now));

/** POST /clients: create or update, as Sensu does (see `registration`); 409 while invalidated. */
export async function registerClient(input: { namespace: string; definition: ClientDefinition }): Promise<{ name: string }> {
  const now = nowSeconds();
  const put = await clients.putClient(input.namespace, registration(input.definition, now, config.version), now);
  if (put.kind === 'invalidated') throw invalidatedError(input.namespace, input.definition.name, put.until, now);
  return { name: input.definition.name };
}

/** A name Sensu's routes would not match (`/clients/:client` is `[\w.-]+`) names no client. */
function known(name: string): string {
  if (!NAME.test(name)) throw new NotFound(`Client ${name.slice(0, 255)} not found`);
  return name;
}

export async function readClient(input: { namespace: string; name: string }): Promise<ClientView> {
  known(input.name);
  const definition = await clients.getClient(input.namespace, input.name);
  if (!definition) throw new NotFound(`Client ${input.name} not found`);
  return viewOf(definition, nowSeconds());
}

/** One namespace's clients by name, redacted, each with its keepalive status. */
export async function listClients(input: { namespace: string } & ListQuery): Promise<ClientPage<ClientView>> {
  const now = nowSeconds();
  const store = {
    all: () => clients.listNamespace(input.namespace),
    page: (offset: number, limit: number) => clients.pageNamespace(input.namespace, offset, limit),
  };
  return listOf(
    input,
    store,
    (d) => viewOf(d, now),
    (v) => v.keepalive_status,
  );
}

/** Every namespace's clients, by namespace then name, each naming its namespace. */
export async function listEveryClient(input: ListQuery): Promise<ClientPage<ClientView & { namespace: string }>> {
  const now = nowSeconds();
  const store = { all: clients.listEveryNamespace, page: clients.pageEveryNamespace };
  return listOf(
    input,
    store,
    (c) => ({ ...viewOf(c.definition, now), namespace: c.namespace }),
    (v) => v.keepalive_status,
  );
}

/** POST /clients/:client/keepalive: the client is seen now; 404 unknown, 409 invalidated. */
export async function recordKeepalive(input: { namespace: string; name: string }): Promise<ClientView> {
  const now = nowSeconds();
  const touched = await clients.touchClient(input.namespace, known(input.name), now);
  if (touched.kind === 'missing') throw new NotFound(`Client ${input.name} not found`);
  if (touched.kind === 'invalidated') throw invalidatedError(input.namespace, input.name, touched.until, now);
  return viewOf(touched.definition, now);
}

/**
 * DELETE /clients/:client. Roster holds no check results to resolve first, so the removal
 * completes within this request; `invalidate` with `invalidateExpire` leaves a tombstone
 * refusing the client for that many seconds more (Sensu ignores the expiry without `invalidate`).
 */
export async function removeClient(input: {
  namespace: string;
  name: string;
  invalidate: boolean;
  invalidateExpire?: number;
}): Promise<{ issued: number }> {
  const issued = nowSeconds();
  const expire = input.invalidate && input.invalidateExpire ? input.invalidateExpire : undefined;
  const removed = await clients.removeClient(input.namespace, known(input.name), expire === undefined ? undefined : issued + expire);
  if (removed.kind === 'missing') throw new NotFound(`Client ${input.name} not found`);
  return { issued };
}
