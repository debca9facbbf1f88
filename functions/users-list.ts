import { httpRoute } from '../lib/http/handler';
import { listUsers } from '../lib/http/routes/identity';
import { listUsers as list } from '../lib/identity/users';

export const handler = httpRoute(listUsers, ({ query }) => list(query.page, query.per_page));
