import { httpRoute } from '../lib/http/handler';
import { refresh } from '../lib/http/routes/identity';
import { refresh as refreshSession } from '../lib/identity/ella-auth';

export const handler = httpRoute(refresh, ({ cookies }) => refreshSession(cookies));
