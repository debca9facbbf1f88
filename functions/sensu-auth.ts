import { httpRoute } from '../lib/http/handler';
import { sensuAuth } from '../lib/http/routes/identity-compat';
import { sensuLogin } from '../lib/identity/compat-auth';

export const handler = httpRoute(sensuAuth, ({ headers }) => sensuLogin(headers.authorization));
