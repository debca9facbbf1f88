import { httpRoute } from '../lib/http/handler';
import { sensuAuthToken } from '../lib/http/routes/identity-compat';
import { sensuRefresh } from '../lib/identity/compat-auth';

export const handler = httpRoute(sensuAuthToken, ({ body }) => sensuRefresh(body.refresh_token));
