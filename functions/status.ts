import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { statusRoute } from '../lib/http/routes/system';
import { API_ROLE, getStatus } from '../lib/system/status';

export const handler = httpRoute(statusRoute, async () => reply(await getStatus(), { headers: { 'X-Ella-Role': API_ROLE } }));
