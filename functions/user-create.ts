import { httpRoute } from '../lib/http/handler';
import { createUser } from '../lib/http/routes/identity';
import { createUser as create } from '../lib/identity/users';

export const handler = httpRoute(createUser, ({ body, principal, requestId }) =>
  create({ email: body.email, password: body.password, roleId: body.role_id, by: principal, requestId }),
);
