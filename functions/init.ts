import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { initRoute } from '../lib/http/routes/identity';
import { initialize } from '../lib/system/init';

export const handler = httpRoute(initRoute, async ({ body, headers, requestId }) => {
  const { token, cookie } = await initialize({ ...body, headers, requestId });
  return reply({ message: 'Roster initialized', token }, { cookies: [cookie] });
});
