import { httpRoute } from '../lib/http/handler';
import { deleteApiToken } from '../lib/http/routes/identity';
import { ownerOf, revokeToken } from '../lib/identity/api-tokens';

export const handler = httpRoute(deleteApiToken, async ({ params, principal }) => revokeToken(await ownerOf(principal), params.id));
