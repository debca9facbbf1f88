import { httpRoute } from '../lib/http/handler';
import { sensuLogout } from '../lib/http/routes/identity-compat';
import { sensuLogout as logOut } from '../lib/identity/compat-auth';

export const handler = httpRoute(sensuLogout, ({ body, principal }) => logOut(principal, body.refresh_token));
