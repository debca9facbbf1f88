import { USERS } from '../../identity/principal';
import { USER_CREDENTIALS } from '../../identity/resolvers';
import { route } from '../route';

export const getAutopilotRoute = route({
  fn: 'autopilot',
  method: 'GET',
  path: '/api/v1/cluster/autopilot',
  surface: 'ella',
  access: USERS,
  credentials: USER_CREDENTIALS,
  store: 'read',
  status: 200,
  summary: 'Autopilot health: failure tolerance, the leader, the voters, and each server with its health and since when',
});
