import { httpRoute } from '../lib/http/handler';
import { deleteUser } from '../lib/http/routes/identity';
import { deleteUser as remove } from '../lib/identity/users';

export const handler = httpRoute(deleteUser, ({ params, principal }) => remove(params.email, principal));
