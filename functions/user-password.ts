import { httpRoute } from '../lib/http/handler';
import { setUserPassword } from '../lib/http/routes/identity';
import { setPassword } from '../lib/identity/users';

export const handler = httpRoute(setUserPassword, ({ params, body }) => setPassword(params.email, body.password));
