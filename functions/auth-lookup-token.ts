import { httpRoute } from '../lib/http/handler';
import { lookupToken } from '../lib/http/routes/identity';
import { lookupToken as lookup } from '../lib/identity/ella-auth';

export const handler = httpRoute(lookupToken, ({ headers, cookies }) => lookup(headers, cookies, lookupToken));
