import { DEFAULT_NAMESPACE, readClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { getClassicClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(getClassicClientRoute, ({ params }) => readClient({ namespace: DEFAULT_NAMESPACE, name: params.client }));
