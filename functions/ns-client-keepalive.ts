import { recordKeepalive } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { namespaceClientKeepaliveRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(namespaceClientKeepaliveRoute, ({ params }) =>
  recordKeepalive({ namespace: params.namespace, name: params.name }),
);
