import { httpRoute } from '../lib/http/handler';
import { sensuLogoutRoute } from '../lib/http/routes/identity-compat';
import { sensuLogout } from '../lib/identity/compat-auth';

export const handler = httpRoute(sensuLogoutRoute, ({ body, principal }) => sensuLogout(principal, body.refresh_token));
