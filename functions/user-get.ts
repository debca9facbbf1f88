import { httpRoute } from '../lib/http/handler';
import { getUser } from '../lib/http/routes/identity';
import { getUser as get } from '../lib/identity/users';

export const handler = httpRoute(getUser, ({ params }) => get(params.email));
