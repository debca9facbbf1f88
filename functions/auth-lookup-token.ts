import { httpRoute } from '../lib/http/handler';
import { lookupToken } from '../lib/http/routes/identity';

// The chain has already checked the bearer: reaching here means it is valid.
export const handler = httpRoute(lookupToken, async () => ({ valid: true }));
