import { httpRoute } from '../lib/http/handler';
import { sensuAuthRoute } from '../lib/http/routes/identity-compat';
import { sensuLogin } from '../lib/identity/compat-auth';

export const handler = httpRoute(sensuAuthRoute, ({ headers }) => sensuLogin(headers.authorization));
