import { paging } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbSessions } from '../lib/http/routes/identity-compat';
import { crdbSessions as list } from '../lib/identity/compat-auth';

export const handler = httpRoute(crdbSessions, ({ query, principal }) => list(principal, query, paging(query)));
