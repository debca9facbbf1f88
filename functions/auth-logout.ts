import { httpRoute } from '../lib/http/handler';
import { logout } from '../lib/http/routes/identity';
import { logout as logOut } from '../lib/identity/ella-auth';

export const handler = httpRoute(logout, ({ cookies, headers }) => logOut(cookies, headers));
