import { httpRoute } from '../lib/http/handler';
import { crdbLogoutRoute } from '../lib/http/routes/identity-compat';
import { crdbLogout } from '../lib/identity/compat-auth';

export const handler = httpRoute(crdbLogoutRoute, ({ headers }) => crdbLogout(headers['x-cockroach-api-session']));
