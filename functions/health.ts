import { httpRoute } from '../lib/http/handler';
import { healthRoute } from '../lib/http/routes/system';

export const handler = httpRoute(healthRoute, async () => ({ status: 'ok' }));
