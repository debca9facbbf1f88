import { DEFAULT_NAMESPACE, readClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { getClassicClient } from '../lib/http/routes/clients';

export const handler = httpRoute(getClassicClient, ({ params }) => readClient({ namespace: DEFAULT_NAMESPACE, name: params.client }));
