import { paging } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbSessionsRoute } from '../lib/http/routes/identity-compat';
import { crdbSessions } from '../lib/identity/compat-auth';

export const handler = httpRoute(crdbSessionsRoute, ({ query, principal }) => crdbSessions(principal, query, paging(query)));
