import { route } from '../route';

export const healthRoute = route({
  fn: 'health',
  method: 'GET',
  path: '/api/v1/health',
  surface: 'ella',
  access: 'public',
  store: 'none',
  status: 200,
  summary: 'Liveness of the API',
});

export const statusRoute = route({
  fn: 'status',
  method: 'GET',
  path: '/api/v1/status',
  surface: 'ella',
  access: 'public',
  store: 'write', // the first call mints the cluster id
  status: 200,
  summary: 'Initialization, version, readiness and the cluster leader and term',
});

export const crdbHealthRoute = route({
  fn: 'crdb-health',
  method: 'GET',
  path: '/api/v2/health',
  surface: 'crdb',
  access: 'public',
  store: 'none',
  status: 200,
  summary: 'CockroachDB-style health probe (ready=true accepted)',
});
