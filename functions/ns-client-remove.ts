import { removeClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { removeNamespaceClient } from '../lib/http/routes/clients';

export const handler = httpRoute(removeNamespaceClient, ({ params, query }) =>
  removeClient({
    namespace: params.namespace,
    name: params.name,
    invalidate: query.invalidate ?? false,
    invalidateExpire: query.invalidate_expire,
  }),
);
