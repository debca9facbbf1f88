import * as z from '../../zod';
import { OPERATORS } from '../../identity/principal';
import { USER_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';
import { boolParam, nodeId } from '../schemas';

export const drainMemberRoute = route({
  fn: 'member-drain',
  method: 'POST',
  path: '/api/v1/cluster/members/{id}/drain',
  surface: 'ella',
  access: OPERATORS,
  credentials: USER_CREDENTIALS,
  store: 'write',
  states: ['StartExecution'],
  status: 200,
  summary: 'Drain a member now (deadlineSeconds 0) or by a deadline; idempotent',
  params: z.strictObject({ id: nodeId }),
  query: z.object({ force: z._default(boolParam, false) }),
  body: z.strictObject({ deadlineSeconds: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(3600)), 0) }),
});

export const resumeMemberRoute = route({
  fn: 'member-resume',
  method: 'POST',
  path: '/api/v1/cluster/members/{id}/resume',
  surface: 'ella',
  access: OPERATORS,
  credentials: USER_CREDENTIALS,
  store: 'write',
  states: ['StopExecution'],
  status: 200,
  summary: 'Return a draining or drained member to active; idempotent',
  params: z.strictObject({ id: nodeId }),
  bodyKind: 'none',
});
