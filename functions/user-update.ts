import { httpRoute } from '../lib/http/handler';
import { updateUser } from '../lib/http/routes/identity';
import { updateRole } from '../lib/identity/users';

export const handler = httpRoute(updateUser, ({ params, body, principal }) => updateRole(params.email, body.role_id, principal));
