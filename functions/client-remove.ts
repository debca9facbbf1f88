import { DEFAULT_NAMESPACE, removeClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { removeClassicClient } from '../lib/http/routes/clients';

export const handler = httpRoute(removeClassicClient, ({ params, query }) =>
  removeClient({
    namespace: DEFAULT_NAMESPACE,
    name: params.client,
    invalidate: query.invalidate ?? false,
    invalidateExpire: query.invalidate_expire,
  }),
);
