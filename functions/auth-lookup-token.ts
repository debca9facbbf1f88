import { httpRoute } from '../lib/http/handler';
import { lookupTokenRoute } from '../lib/http/routes/identity';
import { lookupToken } from '../lib/identity/ella-auth';

export const handler = httpRoute(lookupTokenRoute, ({ headers, cookies }) => lookupToken(headers, cookies, lookupTokenRoute));
