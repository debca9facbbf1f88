import { httpRoute } from '../lib/http/handler';
import { deleteApiToken } from '../lib/http/routes/identity';
import { revokeToken } from '../lib/identity/api-tokens';

export const handler = httpRoute(deleteApiToken, ({ params, principal }) => revokeToken(principal, params.id));
