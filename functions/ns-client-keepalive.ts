import { recordKeepalive } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { namespaceClientKeepalive } from '../lib/http/routes/clients';

export const handler = httpRoute(namespaceClientKeepalive, ({ params }) =>
  recordKeepalive({ namespace: params.namespace, name: params.name }),
);
