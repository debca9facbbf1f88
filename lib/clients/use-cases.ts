import { config } from '../config';
import * as repo from './repository';
import { NAME, page, registration, viewOf, type ClientDefinition, type ClientView, type KeepaliveStatus } from './rules';
import { NotFound } from '../errors';

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

/** Status filter first, then limit/offset: `total` counts what the filter kept. */
function pageOf<T>(all: readonly T[], statusOf: (item: T) => KeepaliveStatus, query: ListQuery): ClientPage<T> {
  const kept = query.keepaliveStatus ? all.filter((item) => statusOf(item) === query.keepaliveStatus) : all;
  const offset = query.offset ?? 0;
  const items = page(kept, query.limit, offset);
  const headers: Record<string, string> =
    query.limit === undefined ? {} : { 'X-Pagination': JSON.stringify({ limit: query.limit, offset, total: kept.length }) };
  return { items, headers };
}

/** POST /clients: create or update, as Sensu does (see `registration`); 409 while invalidated. */
export async function registerClient(input: { namespace: string; definition: ClientDefinition }): Promise<{ name: string }> {
  const now = nowSeconds();
  await repo.putClient(input.namespace, registration(input.definition, now, config.version), now);
  return { name: input.definition.name };
}

/** A name Sensu's routes would not match (`/clients/:client` is `[\w.-]+`) names no client. */
function known(name: string): string {
  if (!NAME.test(name)) throw new NotFound(`Client ${name.slice(0, 255)} not found`);
  return name;
}

export async function readClient(input: { namespace: string; name: string }): Promise<ClientView> {
  known(input.name);
  const definition = await repo.getClient(input.namespace, input.name);
  if (!definition) throw new NotFound(`Client ${input.name} not found`);
  return viewOf(definition, nowSeconds());
}

/** One namespace's clients by name, redacted, each with its keepalive status. */
export async function listClients(input: { namespace: string } & ListQuery): Promise<ClientPage<ClientView>> {
  const now = nowSeconds();
  const views = (await repo.listNamespace(input.namespace)).map((d) => viewOf(d, now));
  return pageOf(views, (v) => v.keepalive_status, input);
}

/** Every namespace's clients, by namespace then name, each naming its namespace. */
export async function listEveryClient(input: ListQuery): Promise<ClientPage<ClientView & { namespace: string }>> {
  const now = nowSeconds();
  const views = (await repo.listEveryNamespace()).map((c) => ({ ...viewOf(c.definition, now), namespace: c.namespace }));
  return pageOf(views, (v) => v.keepalive_status, input);
}

/** POST /clients/:client/keepalive: the client is seen now; 404 unknown, 409 invalidated. */
export async function recordKeepalive(input: { namespace: string; name: string }): Promise<ClientView> {
  const now = nowSeconds();
  return viewOf(await repo.touchClient(input.namespace, known(input.name), now), now);
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
  await repo.removeClient(input.namespace, known(input.name), expire === undefined ? undefined : issued + expire);
  return { issued };
}
