import { httpRoute } from '../lib/http/handler';
import { credentialRulesOf } from '../lib/http/middleware/auth';
import { lookupTokenRoute } from '../lib/http/routes/identity';
import { lookupToken } from '../lib/identity/ella-auth';

export const handler = httpRoute(lookupTokenRoute, ({ headers }) => lookupToken(headers, credentialRulesOf(lookupTokenRoute)));
