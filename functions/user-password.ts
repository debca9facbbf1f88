import { httpRoute } from '../lib/http/handler';
import { setUserPasswordRoute } from '../lib/http/routes/identity';
import { setPassword } from '../lib/identity/users';

export const handler = httpRoute(setUserPasswordRoute, ({ params, body }) => setPassword(params.email, body.password));
