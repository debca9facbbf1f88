import { rotateCredential as rotate } from '../lib/identity/credential-rotation';
import { httpRoute } from '../lib/http/handler';
import { rotateCredential } from '../lib/http/routes/cluster';

export const handler = httpRoute(rotateCredential, ({ params, principal, requestId }) =>
  rotate({ nodeId: params.id, by: principal, requestId }),
);
