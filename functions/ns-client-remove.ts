import { removeClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { removeNamespaceClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(removeNamespaceClientRoute, ({ params, query }) =>
  removeClient({
    namespace: params.namespace,
    name: params.name,
    invalidate: query.invalidate ?? false,
    invalidateExpire: query.invalidate_expire,
  }),
);
