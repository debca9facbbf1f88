import { httpRoute } from '../lib/http/handler';
import { listUsersRoute } from '../lib/http/routes/identity';
import { listUsers } from '../lib/identity/users';

export const handler = httpRoute(listUsersRoute, ({ query }) => listUsers(query.page, query.per_page));
