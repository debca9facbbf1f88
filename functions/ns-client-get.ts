import { readClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { getNamespaceClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(getNamespaceClientRoute, ({ params }) => readClient({ namespace: params.namespace, name: params.name }));
