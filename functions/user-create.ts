import { httpRoute } from '../lib/http/handler';
import { createUserRoute } from '../lib/http/routes/identity';
import { createUser } from '../lib/identity/users';

export const handler = httpRoute(createUserRoute, ({ body, principal, requestId }) =>
  createUser({ email: body.email, password: body.password, roleId: body.role_id, by: principal, requestId }),
);
