import { DEFAULT_NAMESPACE, removeClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { removeClassicClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(removeClassicClientRoute, ({ params, query }) =>
  removeClient({
    namespace: DEFAULT_NAMESPACE,
    name: params.client,
    invalidate: query.invalidate ?? false,
    invalidateExpire: query.invalidate_expire,
  }),
);
