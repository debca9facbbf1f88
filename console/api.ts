/**
 * Roster's HTTP API as the console uses it: the same origin (the page is at `<api>/ui/`),
 * an access token held in memory only, and the HttpOnly session cookie the login sets, which
 * `refresh` trades for a new token after a reload or when the token runs out.
 */

/** The API's root, one level above the page: `/` locally, the stage's URL on AWS. */
export const API_ROOT = new URL('../', document.baseURI);

export type RoleId = 1 | 2 | 3;
export const ROLE_NAMES: Record<RoleId, string> = { 1: 'admin', 2: 'read-only', 3: 'operator' };

export interface User {
  email: string;
  role_id: RoleId;
}

export interface Member {
  nodeId: number;
  raftAddress: string;
  apiAddress: string;
  binaryVersion: string;
  suffrage: 'voter' | 'nonvoter';
  isLeader: boolean;
  drainState: 'active' | 'draining' | 'drained';
  drainUpdatedAt?: string;
  drainDeadline?: string;
  nodeStatus: string;
  lastHeartbeatAt?: string;
  activeLeases: number;
}

export interface Autopilot {
  healthy: boolean;
  failureTolerance: number;
  leaderNodeId: number;
  voters: number[];
  servers: { nodeId: number; healthy: boolean; isLeader: boolean; hasVotingRights: boolean; stableSince?: string }[];
}

export interface Status {
  version: string;
  cluster: { clusterId: string; leaderNodeId: number; raftTerm?: number };
}

export interface Lease {
  name: string;
  holder: number | null;
  fencingToken: number;
  expiresAt: string | null;
}

export interface Page<T> {
  items: T[];
  page: number;
  per_page: number;
  total_count: number;
  next?: string;
}

export interface AuditEntry {
  id: string;
  timestamp: string;
  user: string;
  action: string;
  ip: string;
  details: string;
}

export interface ApiToken {
  id: string;
  name: string;
  expires_at: string | null;
}

export interface JoinToken {
  id: string;
  nodeID: number;
  expiresAt: number;
  createdBy?: string;
}

export type Client = Record<string, unknown> & { name: string; keepalive_status: 'ok' | 'warning' | 'critical' };

/** An answer other than success, with the API's own words for it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who a fresh access token names (its `email` and `role_id` claims, as Ella's UI reads them),
 * without a round trip to /users/me: what the page shows and offers. The API decides access
 * by the session's current role whatever the page believes.
 */
function userOf(token: string): User {
  const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  const claims = JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '='))) as { email: string; role_id: RoleId };
  return { email: claims.email, role_id: claims.role_id };
}

/** The body of an answer: JSON, or nothing (204). */
async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What an error answer says, in words: Ella's `error`, Sensu's `message`, else the status. */
function messageOf(status: number, body: unknown): string {
  const said =
    typeof body === 'object' && body !== null
      ? ((body as { error?: unknown; message?: unknown }).error ?? (body as { message?: unknown }).message)
      : body;
  if (typeof said === 'string' && said !== '') return said;
  return status === 403 ? 'Your role does not allow this' : `Roster answered ${status}`;
}

export class Api {
  private token: string | undefined;
  /** Called when the session is over (a 401 that refreshing did not cure). */
  onSignedOut: () => void = () => {};

  private async send(method: Method, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(new URL(path, API_ROOT), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'Roster did not answer: check the network or the server');
    }
  }

  /** One call, retried once after a refresh when the token has run out. */
  async request(method: Method, path: string, body?: unknown): Promise<{ body: unknown; headers: Headers }> {
    let res = await this.send(method, path, body);
    if (res.status === 401 && this.token) {
      if (await this.refresh()) res = await this.send(method, path, body);
      else this.signedOut();
    }
    const parsed = await bodyOf(res);
    if (!res.ok) throw new ApiError(res.status, messageOf(res.status, parsed));
    return { body: parsed, headers: res.headers };
  }

  /** A call on the canonical surface: its `result`. */
  async ella<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const { body: answer } = await this.request(method, `api/v1/${path}`, body);
    return (answer as { result?: T } | undefined)?.result as T;
  }

  get = <T>(path: string) => this.ella<T>('GET', path);

  async login(email: string, password: string): Promise<User> {
    const { token } = await this.ella<{ token: string }>('POST', 'auth/login', { email, password });
    this.token = token;
    return userOf(token);
  }

  /** A new access token from the session cookie; false when there is no session. */
  async refresh(): Promise<boolean> {
    const res = await fetch(new URL('api/v1/auth/refresh', API_ROOT), { method: 'POST', credentials: 'same-origin' }).catch(
      () => undefined,
    );
    if (!res?.ok) return false;
    this.token = ((await res.json()) as { result: { token: string } }).result.token;
    return true;
  }

  /** The signed-in user after a reload, when the session cookie still holds a session. */
  async resume(): Promise<User | undefined> {
    return (await this.refresh()) ? userOf(this.token!) : undefined;
  }

  async logout(): Promise<void> {
    await fetch(new URL('api/v1/auth/logout', API_ROOT), { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
    this.token = undefined;
  }

  private signedOut(): void {
    this.token = undefined;
    this.onSignedOut();
  }
}

export const api = new Api();
