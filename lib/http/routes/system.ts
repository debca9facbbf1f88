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
  store: 'read', // reads the cluster item; the bootstrap task (or the first write) mints it
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
