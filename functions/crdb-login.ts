import { loginCredentials } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbLogin } from '../lib/http/routes/identity-compat';
import { crdbLogin as logIn } from '../lib/identity/compat-auth';

export const handler = httpRoute(crdbLogin, ({ body, query }) => logIn(loginCredentials(body, query)));
