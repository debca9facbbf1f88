import { httpRoute } from '../lib/http/handler';
import { refreshRoute } from '../lib/http/routes/identity';
import { refresh } from '../lib/identity/ella-auth';

export const handler = httpRoute(refreshRoute, ({ cookies }) => refresh(cookies));
