import { DEFAULT_NAMESPACE, registerClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { registerClassicClient } from '../lib/http/routes/clients';

export const handler = httpRoute(registerClassicClient, ({ body }) => registerClient({ namespace: DEFAULT_NAMESPACE, definition: body }));
