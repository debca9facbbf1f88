import { checkDrain } from '../lib/drain/completion';
import { taskHandler } from '../lib/task-handler';

/** The drain-deadline state machine's task: is this drain epoch done, and if not, when to look again. */
export const handler = taskHandler('drain-check', (event: { nodeId: number; drainEpoch: number }, { requestId }) =>
  checkDrain({ nodeId: Number(event.nodeId), drainEpoch: Number(event.drainEpoch), requestId }),
);
