import { bootstrapAdmin } from '../lib/identity/bootstrap';
import { taskHandler } from '../lib/task';

export const handler = taskHandler('bootstrap', (event: { email?: string; password?: string } | undefined, { requestId }) =>
  bootstrapAdmin(event ?? {}, requestId),
);
