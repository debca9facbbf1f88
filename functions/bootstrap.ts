import { bootstrapAdmin } from '../lib/system/bootstrap';
import { taskHandler } from '../lib/task-handler';

export const handler = taskHandler('bootstrap', (event: { email?: string; password?: string } | undefined, { requestId }) =>
  bootstrapAdmin(event ?? {}, requestId),
);
