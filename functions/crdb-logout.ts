import { httpRoute } from '../lib/http/handler';
import { crdbLogout } from '../lib/http/routes/identity-compat';
import { crdbLogout as logOut } from '../lib/identity/compat-auth';

export const handler = httpRoute(crdbLogout, ({ headers }) => logOut(headers['x-cockroach-api-session']));
