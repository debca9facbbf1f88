import { httpRoute } from '../lib/http/handler';
import { crdbHealthRoute } from '../lib/http/routes/system';

export const handler = httpRoute(crdbHealthRoute, async () => ({}));
