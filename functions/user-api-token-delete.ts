import { httpRoute } from '../lib/http/handler';
import { deleteUserApiTokenRoute } from '../lib/http/routes/identity';
import { ownerOf, revokeToken } from '../lib/identity/api-tokens';

export const handler = httpRoute(deleteUserApiTokenRoute, async ({ params, principal }) =>
  revokeToken(await ownerOf(principal, params.email), params.id),
);
