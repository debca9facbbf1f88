import { httpRoute } from '../lib/http/handler';
import { loginRoute } from '../lib/http/routes/identity';
import { login } from '../lib/identity/ella-auth';

export const handler = httpRoute(loginRoute, ({ body, headers }) => login({ ...body, headers }));
