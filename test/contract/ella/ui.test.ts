import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClients } from '../../support/cluster';
import { startRuntime, type Runtime } from '../../support/runtime';
import { ApiError, Browser } from './browser';
import { queries } from './queries';
import * as ui from './types';

/**
 * Ella Core's UI against Roster: each step is one of the UI's query functions, sent as the
 * browser sends it (./browser), and its answer decoded with the UI's types (./types).
 */

let rt: Runtime;
let browser: Browser;
let q: ReturnType<typeof queries>;
let token: string;
const ADMIN = { email: 'ella-admin@roster.test', password: 'ella-admin-password' };

beforeAll(async () => {
  rt = await startRuntime();
  browser = new Browser(rt.url);
  q = queries(browser);
});
afterAll(() => rt?.stop());

const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
};

describe("Ella Core's UI", () => {
  it('reads the status of a cluster whose API leads: no redirect, the role header', async () => {
    const status = ui.APIStatus.parse(await q.getStatus());
    expect(status.initialized).toBe(false);
    expect(status.cluster).toMatchObject({ enabled: true, isLeader: true, role: 'Leader', nodeId: 0 });
    expect(status.cluster!.clusterId).toMatch(/^[0-9]+$/);
    expect(browser.exchanges.at(-1)!.responseHeaders.get('x-ella-role')).toBe('Leader');
  });

  it('initializes, then logs in with a session cookie the browser keeps and sends only to the auth routes', async () => {
    const init = ui.InitializeResponse.parse(await q.initialize(ADMIN.email, ADMIN.password));
    expect(init.token).toBeTruthy();
    expect(ui.APIStatus.parse(await q.getStatus()).initialized).toBe(true);
    token = ui.AuthTokenResponse.parse(await q.login(ADMIN.email, ADMIN.password)).token;
    expect(browser.jar.names()).toContain('roster_session');
    await q.getLoggedInUser(token);
    expect(browser.exchanges.at(-1)!.requestHeaders['Cookie']).toBeUndefined();
    const refreshed = ui.AuthTokenResponse.parse(await q.refresh());
    expect(browser.exchanges.at(-1)!.requestHeaders['Cookie']).toMatch(/^roster_session=/);
    await q.lookupToken(refreshed.token);
    token = refreshed.token;
  });

  it('manages users with the shapes and statuses the Users page decodes', async () => {
    expect(ui.APIUser.parse(await q.getLoggedInUser(token))).toEqual({ email: ADMIN.email, role_id: ui.RoleID.Admin });
    await q.createUser(token, 'viewer@roster.test', ui.RoleID.ReadOnly, 'viewer-password');
    expect((await rejection(q.createUser(token, 'viewer@roster.test', ui.RoleID.ReadOnly, 'viewer-password'))).status).toBeLessThan(500);
    const list = ui.ListUsersResponse.parse(await q.listUsers(token, 1, 10));
    expect(list).toMatchObject({ page: 1, per_page: 10, total_count: 2 });
    expect(list.items.map((u) => u.email).sort()).toEqual([ADMIN.email, 'viewer@roster.test']);
    await q.updateUser(token, 'viewer@roster.test', ui.RoleID.NetworkManager);
    expect(ui.APIUser.parse(await q.getUser(token, 'viewer@roster.test')).role_id).toBe(ui.RoleID.NetworkManager);
    await q.deleteUser(token, 'viewer@roster.test');
    expect((await rejection(q.getUser(token, 'viewer@roster.test'))).status).toBe(404);
  });

  it("shows the cluster's members and autopilot state as the Cluster page decodes them", async () => {
    const minted = ui.MintJoinTokenResponse.parse(await q.mintClusterJoinToken(token, { nodeID: 5, ttlSeconds: 600 }));
    expect(minted.expiresAt).toBeGreaterThan(Date.now() / 1000);
    await (await clusterClients(rt)).join(6);
    const members = (await q.listClusterMembers(token)).map((m) => ui.ClusterMember.parse(m));
    expect(members).toEqual([
      expect.objectContaining({ nodeId: 6, suffrage: 'voter', isLeader: true, drainState: 'active', apiAddress: '10.0.0.6:5002' }),
    ]);
    const autopilot = ui.AutopilotState.parse(await q.getAutopilotState(token));
    expect(autopilot).toMatchObject({ leaderNodeId: 6, voters: [6] });
    const status = ui.APIStatus.parse(await q.getStatus());
    expect(status.cluster).toMatchObject({ leaderNodeId: 6, leaderAPIAddress: '10.0.0.6:5002' });
    expect(status.cluster!.appliedIndex).toBeGreaterThan(0);
  });

  it('reads the audit log, filtered as the Audit Logs page asks, and sets its retention', async () => {
    const all = ui.ListAuditLogsResponse.parse(await q.listAuditLogs(token, 1, 25, { user: '', action: '', start: '', end: '' }));
    expect(all).toMatchObject({ page: 1, per_page: 25 });
    expect(all.total_count).toBe(all.items.length);
    expect(all.items.map((i) => i.action)).toEqual(expect.arrayContaining(['init', 'user.create', 'join-token.create', 'member.join']));
    const today = new Date().toISOString().slice(0, 10);
    const mine = ui.ListAuditLogsResponse.parse(
      await q.listAuditLogs(token, 1, 25, { user: ADMIN.email, action: 'user.create', start: today, end: today }),
    );
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      user: ADMIN.email,
      action: 'user.create',
      level: 'info',
      details: 'user:viewer@roster.test role_id=2',
    });
    expect(ui.AuditLogRetentionPolicy.parse(await q.getAuditLogRetentionPolicy(token))).toEqual({ days: 90 });
    await q.updateAuditLogRetentionPolicy(token, 30);
    expect(ui.AuditLogRetentionPolicy.parse(await q.getAuditLogRetentionPolicy(token))).toEqual({ days: 30 });
    expect((await rejection(q.updateAuditLogRetentionPolicy(token, 0))).status).toBe(400);
  });

  it('logs out: the browser drops the cookie, and a refresh is then a 401 the UI logs out on', async () => {
    await q.logout();
    expect(browser.jar.names()).not.toContain('roster_session');
    const before = browser.unauthorized;
    expect((await rejection(q.refresh())).status).toBe(401);
    expect(browser.unauthorized).toBe(before + 1);
  });
});
