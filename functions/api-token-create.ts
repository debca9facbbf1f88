import { httpRoute } from '../lib/http/handler';
import { createApiTokenRoute } from '../lib/http/routes/identity';
import { createToken, ownerOf } from '../lib/identity/api-tokens';

export const handler = httpRoute(createApiTokenRoute, async ({ body, principal }) =>
  createToken(await ownerOf(principal), { name: body.name, expiresAt: body.expires_at }),
);
