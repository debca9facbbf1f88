import { DEFAULT_NAMESPACE, registerClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { registerClassicClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(registerClassicClientRoute, ({ body }) =>
  registerClient({ namespace: DEFAULT_NAMESPACE, definition: body }),
);
