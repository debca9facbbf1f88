import { DEFAULT_NAMESPACE, recordKeepalive } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { classicClientKeepaliveRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(classicClientKeepaliveRoute, ({ params }) =>
  recordKeepalive({ namespace: DEFAULT_NAMESPACE, name: params.client }),
);
