/**
 * A valid example request for each client-registry route, keyed by the route's `fn`, for
 * the suites that walk the whole route table. Names may name no client: a 404 after
 * authorization still shows the caller got through.
 */
export const clientsExamples: Record<string, { path: string; body?: unknown; headers?: Record<string, string> }> = {
  'clients-list': { path: '/clients?limit=10&offset=0' },
  'client-register': {
    path: '/clients',
    body: { name: 'fuzz-client', address: '10.0.2.100', subscriptions: ['default'], environment: 'production' },
  },
  'client-get': { path: '/clients/fuzz-client' },
  'client-remove': { path: '/clients/fuzz-absent?invalidate=true&invalidate_expire=60' },
  'client-keepalive': { path: '/clients/fuzz-client/keepalive' },
  'clients-preflight': { path: '/clients' },
  'ns-clients-list': { path: '/api/core/v2/namespaces/fuzz-ns/clients?limit=10' },
  'ns-client-register': {
    path: '/api/core/v2/namespaces/fuzz-ns/clients',
    body: { name: 'fuzz-client', address: '10.0.2.100', subscriptions: ['default'] },
  },
  'ns-client-get': { path: '/api/core/v2/namespaces/fuzz-ns/clients/fuzz-client' },
  'ns-client-remove': { path: '/api/core/v2/namespaces/fuzz-ns/clients/fuzz-absent?invalidate=true' },
  'ns-client-keepalive': { path: '/api/core/v2/namespaces/fuzz-ns/clients/fuzz-client/keepalive' },
  'clients-all': { path: '/api/core/v2/clients?limit=10' },
};
