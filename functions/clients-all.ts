import { listEveryClient as listAll } from '../lib/clients/use-cases';
import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { listEveryClient } from '../lib/http/routes/clients';

export const handler = httpRoute(listEveryClient, async ({ query }) => {
  const { items, headers } = await listAll({ limit: query.limit, offset: query.offset, keepaliveStatus: query.keepalive_status });
  return reply(items, { headers });
});
