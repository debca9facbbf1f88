import { httpRoute } from '../lib/http/handler';
import { changeOwnPasswordRoute } from '../lib/http/routes/identity';
import { changeOwnPassword } from '../lib/identity/users';

export const handler = httpRoute(changeOwnPasswordRoute, ({ body, principal }) =>
  changeOwnPassword(principal, body.current_password, body.password),
);
