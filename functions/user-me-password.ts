import { httpRoute } from '../lib/http/handler';
import { changeOwnPassword } from '../lib/http/routes/identity';
import { changeOwnPassword as change } from '../lib/identity/users';

export const handler = httpRoute(changeOwnPassword, ({ body, principal }) => change(principal, body.current_password, body.password));
