import { httpRoute } from '../lib/http/handler';
import { deleteUserRoute } from '../lib/http/routes/identity';
import { deleteUser } from '../lib/identity/users';

export const handler = httpRoute(deleteUserRoute, ({ params, principal }) => deleteUser(params.email, principal));
