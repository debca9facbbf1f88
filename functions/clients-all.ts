import { listEveryClient } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { listEveryClientRoute } from '../lib/http/routes/clients';

export const handler = httpRoute(listEveryClientRoute, async ({ query }) => {
  const { items, headers } = await listEveryClient({ limit: query.limit, offset: query.offset, keepaliveStatus: query.keepalive_status });
  return reply(items, { headers });
});
