import { httpRoute } from '../lib/http/handler';
import { crdbHealth } from '../lib/http/routes/system';

export const handler = httpRoute(crdbHealth, async () => ({}));
