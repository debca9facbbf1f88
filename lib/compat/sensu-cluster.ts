/**
 * Sensu Go's cluster API shapes (etcd's MemberListResponse as Sensu serves it): a header
 * naming the cluster, the leader and the term, and the members with their URLs. Every
 * id is a JSON number at most 2^53-1, so clients read it exactly.
 */
export interface SensuMemberSource {
  nodeId: number;
  joinedAt?: number;
  peerURLs: readonly string[];
  clientURLs: readonly string[];
}

export interface SensuHeaderSource {
  clusterId: number;
  leaderNodeId: number;
  raftTerm: number;
}

/** etcd leaves a member's name empty until it has started; a joined member is named by its id. */
export const sensuMember = (m: SensuMemberSource) => ({
  ID: m.nodeId,
  name: m.joinedAt === undefined ? '' : `node-${m.nodeId}`,
  peerURLs: [...m.peerURLs],
  clientURLs: [...m.clientURLs],
});

export const sensuHeader = (h: SensuHeaderSource) => ({ cluster_id: h.clusterId, member_id: h.leaderNodeId, raft_term: h.raftTerm });

export const sensuMemberList = (h: SensuHeaderSource, members: readonly SensuMemberSource[]) => ({
  header: sensuHeader(h),
  members: members.map(sensuMember),
});

/** `?peer-addrs=a,b`: comma-separated URLs, as sensuctl sends them. */
export const splitPeerAddrs = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
