import { httpRoute } from '../lib/http/handler';
import { listUserApiTokensRoute } from '../lib/http/routes/identity';
import { listTokens, ownerOf } from '../lib/identity/api-tokens';

export const handler = httpRoute(listUserApiTokensRoute, async ({ params, query, principal }) =>
  listTokens(await ownerOf(principal, params.email), query.page, query.per_page),
);
