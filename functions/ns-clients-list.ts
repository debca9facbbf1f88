import { listClients } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { listNamespaceClientsRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(listNamespaceClientsRoute, async ({ params, query }) => {
  const { items, headers } = await listClients({
    namespace: params.namespace,
    limit: query.limit,
    offset: query.offset,
    keepaliveStatus: query.keepalive_status,
  });
  return reply(items, { headers });
});
