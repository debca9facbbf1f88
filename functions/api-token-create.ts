import { httpRoute } from '../lib/http/handler';
import { createApiToken } from '../lib/http/routes/identity';
import { createToken } from '../lib/identity/api-tokens';

export const handler = httpRoute(createApiToken, ({ body, principal }) =>
  createToken(principal, { name: body.name, expiresAt: body.expires_at }),
);
