import { rotateCredential } from '../lib/identity/credential-rotation';
import { httpRoute } from '../lib/http/handler';
import { rotateCredentialRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(rotateCredentialRoute, ({ params, principal, requestId }) =>
  rotateCredential({ nodeId: params.id, by: principal, requestId }),
);
