import { httpRoute } from '../lib/http/handler';
import { updateUserRoute } from '../lib/http/routes/identity';
import { updateRole } from '../lib/identity/users';

export const handler = httpRoute(updateUserRoute, ({ params, body, principal }) => updateRole(params.email, body.role_id, principal));
