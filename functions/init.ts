import { httpRoute } from '../lib/http/handler';
import { initRoute } from '../lib/http/routes/identity';
import { initialize } from '../lib/identity/ella-auth';

export const handler = httpRoute(initRoute, ({ body, headers, requestId }) => initialize({ ...body, headers, requestId }));
