import { getAutopilot } from '../lib/autopilot/use-cases';
import { httpRoute } from '../lib/http/handler';
import { getAutopilotRoute } from '../lib/http/routes/autopilot';

export const handler = httpRoute(getAutopilotRoute, () => getAutopilot());
