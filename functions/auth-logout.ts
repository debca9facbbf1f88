import { httpRoute } from '../lib/http/handler';
import { logoutRoute } from '../lib/http/routes/identity';
import { logout } from '../lib/identity/ella-auth';

export const handler = httpRoute(logoutRoute, ({ cookies, headers }) => logout(cookies, headers));
