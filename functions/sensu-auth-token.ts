import { httpRoute } from '../lib/http/handler';
import { sensuAuthTokenRoute } from '../lib/http/routes/identity-compat';
import { sensuRefresh } from '../lib/identity/compat-auth';

export const handler = httpRoute(sensuAuthTokenRoute, ({ body }) => sensuRefresh(body.refresh_token));
