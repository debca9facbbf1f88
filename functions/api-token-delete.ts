import { httpRoute } from '../lib/http/handler';
import { deleteApiTokenRoute } from '../lib/http/routes/identity';
import { ownerOf, revokeToken } from '../lib/identity/api-tokens';

export const handler = httpRoute(deleteApiTokenRoute, async ({ params, principal }) => revokeToken(await ownerOf(principal), params.id));
