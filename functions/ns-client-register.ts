import { registerClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { registerNamespaceClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(registerNamespaceClientRoute, ({ params, body }) =>
  registerClient({ namespace: params.namespace, definition: body }),
);
