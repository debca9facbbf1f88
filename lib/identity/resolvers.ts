import type { Resolvers } from './authenticate';
import { fromAccessToken, fromApiToken, fromBasic, fromSessionSecret } from './credentials';
import { authenticateNode } from './node-credentials';

/**
 * The credential checks a route carries (RouteSpec.credentials), by who presents them: a
 * route takes the forms of the callers its access admits and no other, so its bundle holds
 * only those checks (esbuild drops the rest). Users present access tokens, API tokens and
 * CockroachDB sessions, and Basic where the route takes it; nodes their node credential.
 */

export const USER_CREDENTIALS = {
  accessToken: fromAccessToken,
  apiToken: fromApiToken,
  session: fromSessionSecret,
} as const satisfies Resolvers;

/** The user credentials and Basic (the Sensu Classic routes, which take it as Sensu does). */
export const USER_OR_BASIC_CREDENTIALS = {
  accessToken: fromAccessToken,
  apiToken: fromApiToken,
  session: fromSessionSecret,
  basic: fromBasic,
} as const satisfies Resolvers;

const fromNodeCredential = (token: string, checkedInWrite: boolean) => authenticateNode(token, { checkedInWrite });

export const NODE_CREDENTIAL = { node: fromNodeCredential } as const satisfies Resolvers;

/** Routes that admit users and nodes alike (reads both may make). */
export const USER_OR_NODE_CREDENTIALS = {
  accessToken: fromAccessToken,
  apiToken: fromApiToken,
  session: fromSessionSecret,
  node: fromNodeCredential,
} as const satisfies Resolvers;
