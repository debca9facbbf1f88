import { httpRoute } from '../lib/http/handler';
import { listApiTokensRoute } from '../lib/http/routes/identity';
import { listTokens, ownerOf } from '../lib/identity/api-tokens';

export const handler = httpRoute(listApiTokensRoute, async ({ query, principal }) =>
  listTokens(await ownerOf(principal), query.page, query.per_page),
);
