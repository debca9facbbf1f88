import { getAutopilot } from '../lib/autopilot/use-cases';
import { httpRoute } from '../lib/http/handler';
import { getAutopilot as route } from '../lib/http/routes/autopilot';

export const handler = httpRoute(route, () => getAutopilot());
