import { httpRoute } from '../lib/http/handler';
import { meRoute } from '../lib/http/routes/identity';
import { me } from '../lib/identity/users';

export const handler = httpRoute(meRoute, ({ principal }) => me(principal));
