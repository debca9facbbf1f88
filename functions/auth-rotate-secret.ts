import { httpRoute } from '../lib/http/handler';
import { rotateSecret } from '../lib/http/routes/identity';
import { rotateSigningKey } from '../lib/identity/keys';

export const handler = httpRoute(rotateSecret, async () => ({ message: 'Signing key rotated', ...(await rotateSigningKey()) }));
