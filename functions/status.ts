import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { status } from '../lib/http/routes/system';
import { API_ROLE, getStatus } from '../lib/system/status';

export const handler = httpRoute(status, async () => reply(await getStatus(), { headers: { 'X-Ella-Role': API_ROLE } }));
