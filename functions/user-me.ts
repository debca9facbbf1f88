import { httpRoute } from '../lib/http/handler';
import { me } from '../lib/http/routes/identity';
import { me as profile } from '../lib/identity/users';

export const handler = httpRoute(me, ({ principal }) => profile(principal));
