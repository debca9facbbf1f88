import { httpRoute } from '../lib/http/handler';
import { status } from '../lib/http/routes/system';
import { getStatus } from '../lib/system/status';

export const handler = httpRoute(status, getStatus);
