import { loginCredentials } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbLoginRoute } from '../lib/http/routes/identity-compat';
import { crdbLogin } from '../lib/identity/compat-auth';

export const handler = httpRoute(crdbLoginRoute, ({ body, query }) => crdbLogin(loginCredentials(body, query)));
