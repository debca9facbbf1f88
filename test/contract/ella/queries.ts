import type { Browser } from './browser';
import type {
  APIStatus,
  APIUser,
  AuditLogRetentionPolicy,
  AuthTokenResponse,
  AutopilotState,
  ClusterMember,
  InitializeResponse,
  ListAuditLogsResponse,
  ListUsersResponse,
  MintJoinTokenResponse,
  RoleID,
} from './types';

/**
 * Ella Core's UI query functions, request for request (ui/src/queries/*.tsx at 8961a2367):
 * the same methods, paths, bodies and credentials modes; `window.location.origin` is the
 * browser's origin.
 */
export const queries = (b: Browser) => ({
  // ui/src/queries/status.tsx
  getStatus: () => b.apiFetch<APIStatus>('/api/v1/status'),
  // ui/src/queries/initialize.tsx
  initialize: (email: string, password: string) =>
    b.apiFetch<InitializeResponse>('/api/v1/init', { method: 'POST', body: { email, password }, credentials: 'include' }),
  // ui/src/queries/auth.tsx
  login: (email: string, password: string) =>
    b.apiFetch<AuthTokenResponse>('/api/v1/auth/login', { method: 'POST', body: { email, password }, credentials: 'include' }),
  logout: () => b.apiFetchVoid('/api/v1/auth/logout', { method: 'POST', credentials: 'include' }),
  refresh: () => b.apiFetch<AuthTokenResponse>('/api/v1/auth/refresh', { method: 'POST', credentials: 'include' }),
  lookupToken: (authToken: string) => b.apiFetchVoid('/api/v1/auth/lookup-token', { method: 'POST', authToken }),
  // ui/src/queries/users.tsx
  listUsers: (authToken: string, page: number, perPage: number) =>
    b.apiFetch<ListUsersResponse>(`/api/v1/users?page=${page}&per_page=${perPage}`, { authToken }),
  getLoggedInUser: (authToken: string) => b.apiFetch<APIUser>('/api/v1/users/me', { authToken }),
  createUser: (authToken: string, email: string, role_id: RoleID, password: string) =>
    b.apiFetchVoid('/api/v1/users', { method: 'POST', authToken, body: { email, password, role_id } }),
  updateUser: (authToken: string, email: string, role_id: RoleID) =>
    b.apiFetchVoid(`/api/v1/users/${email}`, { method: 'PUT', authToken, body: { role_id } }),
  getUser: (authToken: string, email: string) => b.apiFetch<APIUser>(`/api/v1/users/${email}`, { authToken }),
  deleteUser: (authToken: string, name: string) => b.apiFetchVoid(`/api/v1/users/${name}`, { method: 'DELETE', authToken }),
  // ui/src/queries/cluster.tsx
  listClusterMembers: (authToken: string) => b.apiFetch<ClusterMember[]>('/api/v1/cluster/members', { authToken }),
  getAutopilotState: (authToken: string) => b.apiFetch<AutopilotState>('/api/v1/cluster/autopilot', { authToken }),
  mintClusterJoinToken: (authToken: string, params: { nodeID: number; ttlSeconds?: number }) =>
    b.apiFetch<MintJoinTokenResponse>('/api/v1/cluster/pki/join-tokens', { method: 'POST', authToken, body: params }),
  // ui/src/queries/audit_logs.tsx
  listAuditLogs: (
    authToken: string,
    page: number,
    perPage: number,
    params?: { start?: string; end?: string; user?: string; action?: string },
  ) => {
    const url = new URL('/api/v1/logs/audit', b.origin);
    url.searchParams.set('page', String(page));
    url.searchParams.set('per_page', String(perPage));
    if (params) for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    return b.apiFetch<ListAuditLogsResponse>(url.toString(), { authToken });
  },
  getAuditLogRetentionPolicy: (authToken: string) => b.apiFetch<AuditLogRetentionPolicy>('/api/v1/logs/audit/retention', { authToken }),
  updateAuditLogRetentionPolicy: (authToken: string, days: number) =>
    b.apiFetchVoid('/api/v1/logs/audit/retention', { method: 'PUT', authToken, body: { days } }),
});
