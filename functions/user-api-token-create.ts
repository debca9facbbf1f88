import { httpRoute } from '../lib/http/handler';
import { createUserApiTokenRoute } from '../lib/http/routes/identity';
import { createToken, ownerOf } from '../lib/identity/api-tokens';

export const handler = httpRoute(createUserApiTokenRoute, async ({ params, body, principal }) =>
  createToken(await ownerOf(principal, params.email), { name: body.name, expiresAt: body.expires_at }),
);
