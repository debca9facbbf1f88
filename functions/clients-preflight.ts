import { httpRoute } from '../lib/http/handler';
import { preflightClientsRoute } from '../lib/http/routes/clients';

/** Every classic response carries Sensu's CORS headers (lib/http/surfaces.ts); a preflight needs nothing more. */
export const handler = httpRoute(preflightClientsRoute, async () => undefined);
