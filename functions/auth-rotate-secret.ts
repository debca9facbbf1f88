import { httpRoute } from '../lib/http/handler';
import { rotateSecretRoute } from '../lib/http/routes/identity';
import { rotateSigningKey } from '../lib/identity/signing-keys';

export const handler = httpRoute(rotateSecretRoute, async () => ({ message: 'Signing key rotated', ...(await rotateSigningKey()) }));
