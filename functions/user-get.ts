import { httpRoute } from '../lib/http/handler';
import { getUserRoute } from '../lib/http/routes/identity';
import { getUser } from '../lib/identity/users';

export const handler = httpRoute(getUserRoute, ({ params }) => getUser(params.email));
