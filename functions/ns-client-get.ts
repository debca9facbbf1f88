import { readClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { getNamespaceClient } from '../lib/http/routes/clients';

export const handler = httpRoute(getNamespaceClient, ({ params }) => readClient({ namespace: params.namespace, name: params.name }));
