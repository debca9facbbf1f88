import * as z from 'zod';

/**
 * The types Ella Core's UI decodes responses into, written down from its source
 * (github.com/ellanetworks/core, ui/src/queries/*.tsx at 8961a2367). Each schema is typed
 * against the UI's type, so the compiler holds the two together; the schemas accept extra
 * fields, as the UI's structural types do at run time.
 */

// ui/src/queries/status.tsx
export type ClusterStatus = {
  enabled: boolean;
  role: string;
  nodeId: number;
  isLeader: boolean;
  leaderNodeId: number;
  leaderAPIAddress?: string;
  appliedIndex: number;
  clusterId?: string;
};
export type APIStatus = {
  initialized: boolean;
  version?: string;
  revision?: string;
  ready?: boolean;
  schemaVersion?: number;
  cluster?: ClusterStatus;
};
export const ClusterStatus: z.ZodType<ClusterStatus> = z.object({
  enabled: z.boolean(),
  role: z.string(),
  nodeId: z.number(),
  isLeader: z.boolean(),
  leaderNodeId: z.number(),
  leaderAPIAddress: z.string().optional(),
  appliedIndex: z.number(),
  clusterId: z.string().optional(),
});
export const APIStatus: z.ZodType<APIStatus> = z.object({
  initialized: z.boolean(),
  version: z.string().optional(),
  revision: z.string().optional(),
  ready: z.boolean().optional(),
  schemaVersion: z.number().optional(),
  cluster: ClusterStatus.optional(),
});

// ui/src/queries/auth.tsx
export type AuthTokenResponse = { token: string };
export const AuthTokenResponse: z.ZodType<AuthTokenResponse> = z.object({ token: z.string() });

// ui/src/queries/initialize.tsx
export type InitializeResponse = { message: string; token: string };
export const InitializeResponse: z.ZodType<InitializeResponse> = z.object({ message: z.string(), token: z.string() });

// ui/src/queries/users.tsx
export enum RoleID {
  Admin = 1,
  ReadOnly = 2,
  NetworkManager = 3,
}
export type APIUser = { email: string; role_id: RoleID };
export type ListUsersResponse = { items: APIUser[]; page: number; per_page: number; total_count: number };
export const APIUser: z.ZodType<APIUser> = z.object({ email: z.string(), role_id: z.enum(RoleID) });
export const ListUsersResponse: z.ZodType<ListUsersResponse> = z.object({
  items: z.array(APIUser),
  page: z.number(),
  per_page: z.number(),
  total_count: z.number(),
});

// ui/src/queries/cluster.tsx (Roster adds `draining` to the drain states, as the seed's Ella version has it)
export type DrainState = 'active' | 'draining' | 'drained';
export type ClusterMember = {
  nodeId: number;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  suffrage: 'voter' | 'nonvoter';
  isLeader: boolean;
  drainState: DrainState;
  drainUpdatedAt?: string;
};
export type AutopilotServer = {
  nodeId: number;
  raftAddress: string;
  nodeStatus: string;
  healthy: boolean;
  isLeader: boolean;
  hasVotingRights: boolean;
  stableSince?: string;
};
export type AutopilotState = {
  healthy: boolean;
  failureTolerance: number;
  leaderNodeId: number;
  voters: number[];
  servers: AutopilotServer[];
};
export type MintJoinTokenResponse = { token: string; expiresAt: number };
export const ClusterMember: z.ZodType<ClusterMember> = z.object({
  nodeId: z.number(),
  raftAddress: z.string(),
  apiAddress: z.string(),
  binaryVersion: z.string(),
  suffrage: z.enum(['voter', 'nonvoter']),
  isLeader: z.boolean(),
  drainState: z.enum(['active', 'draining', 'drained']),
  drainUpdatedAt: z.string().optional(),
});
export const AutopilotServer: z.ZodType<AutopilotServer> = z.object({
  nodeId: z.number(),
  raftAddress: z.string(),
  nodeStatus: z.string(),
  healthy: z.boolean(),
  isLeader: z.boolean(),
  hasVotingRights: z.boolean(),
  stableSince: z.string().optional(),
});
export const AutopilotState: z.ZodType<AutopilotState> = z.object({
  healthy: z.boolean(),
  failureTolerance: z.number(),
  leaderNodeId: z.number(),
  voters: z.array(z.number()),
  servers: z.array(AutopilotServer),
});
export const MintJoinTokenResponse: z.ZodType<MintJoinTokenResponse> = z.object({ token: z.string(), expiresAt: z.number() });

// ui/src/queries/audit_logs.tsx
export type AuditLogRetentionPolicy = { days: number };
export type APIAuditLog = { id: string; timestamp: string; level: string; user: string; action: string; ip: string; details: string };
export type ListAuditLogsResponse = { items: APIAuditLog[]; page: number; per_page: number; total_count: number };
export const AuditLogRetentionPolicy: z.ZodType<AuditLogRetentionPolicy> = z.object({ days: z.number() });
export const APIAuditLog: z.ZodType<APIAuditLog> = z.object({
  id: z.string(),
  timestamp: z.string(),
  level: z.string(),
  user: z.string(),
  action: z.string(),
  ip: z.string(),
  details: z.string(),
});
export const ListAuditLogsResponse: z.ZodType<ListAuditLogsResponse> = z.object({
  items: z.array(APIAuditLog),
  page: z.number(),
  per_page: z.number(),
  total_count: z.number(),
});
