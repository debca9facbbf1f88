import { httpRoute } from '../lib/http/handler';
import { listApiTokens } from '../lib/http/routes/identity';
import { listTokens } from '../lib/identity/api-tokens';

export const handler = httpRoute(listApiTokens, ({ query, principal }) => listTokens(principal, query.page, query.per_page));
