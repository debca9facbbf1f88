import { listClients, DEFAULT_NAMESPACE } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { listClassicClientsRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(listClassicClientsRoute, async ({ query }) => {
  const { items, headers } = await listClients({
    namespace: DEFAULT_NAMESPACE,
    limit: query.limit,
    offset: query.offset,
    keepaliveStatus: query.keepalive_status,
  });
  return reply(items, { headers });
});
