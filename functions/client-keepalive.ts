import { DEFAULT_NAMESPACE, recordKeepalive } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { classicClientKeepalive } from '../lib/http/routes/clients';

export const handler = httpRoute(classicClientKeepalive, ({ params }) =>
  recordKeepalive({ namespace: DEFAULT_NAMESPACE, name: params.client }),
);
