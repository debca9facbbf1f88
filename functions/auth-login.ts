import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { loginRoute } from '../lib/http/routes/identity';
import { login } from '../lib/identity/ella-auth';

export const handler = httpRoute(loginRoute, async ({ body, headers }) => {
  const { token, cookie } = await login({ ...body, headers });
  return reply({ token }, { cookies: [cookie] });
});
