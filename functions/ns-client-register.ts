import { registerClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { registerNamespaceClient } from '../lib/http/routes/clients';

export const handler = httpRoute(registerNamespaceClient, ({ params, body }) =>
  registerClient({ namespace: params.namespace, definition: body }),
);
