import { httpRoute } from '../lib/http/handler';
import { login } from '../lib/http/routes/identity';
import { login as logIn } from '../lib/identity/ella-auth';

export const handler = httpRoute(login, ({ body, headers }) => logIn({ ...body, headers }));
