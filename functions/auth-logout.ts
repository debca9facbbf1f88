import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { logoutRoute } from '../lib/http/routes/identity';
import { logout } from '../lib/identity/ella-auth';

/** Always 204 (the route's status), with the cookie cleared. */
export const handler = httpRoute(logoutRoute, async ({ cookies, headers }) => {
  const { cookie } = await logout(cookies, headers);
  return reply(undefined, { cookies: [cookie] });
});
