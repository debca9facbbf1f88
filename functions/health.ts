import { httpRoute } from '../lib/http/handler';
import { health } from '../lib/http/routes/system';

export const handler = httpRoute(health, async () => ({ status: 'ok' }));
