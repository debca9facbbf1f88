import { httpRoute } from '../lib/http/handler';
import { init } from '../lib/http/routes/identity';
import { initialize } from '../lib/identity/ella-auth';

export const handler = httpRoute(init, ({ body, headers, requestId }) => initialize({ ...body, headers, requestId }));
