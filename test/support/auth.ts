import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ROLE_IDS, type Role } from '../../lib/identity/roles';
import { keys } from '../../lib/store/keys';
import type { Runtime } from './runtime';

const clients = new Map<string, DynamoDBDocumentClient>();
const documentsOf = (endpoint: string) => {
  let client = clients.get(endpoint);
  if (!client) {
    const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    client = DynamoDBDocumentClient.from(raw);
    clients.set(endpoint, client);
  }
  return client;
};

/**
 * Writes the Ella session an access token is bound to, as a login would (without the
 * per-user pointer: a test user's sessions are not revoked by deleting them). The user id
 * is the stored user's, when one of that email exists.
 */
async function testSession(env: Record<string, string>, role: Role, email: string, ttlSeconds: number): Promise<string> {
  const documents = documentsOf(env.DYNAMODB_ENDPOINT!);
  const TableName = env.TABLE_NAME!;
  const { Item: user } = await documents.send(new GetCommand({ TableName, Key: keys.user(email), ConsistentRead: true }));
  const id = createHash('sha256').update(randomBytes(32)).digest('hex');
  const now = Date.now();
  const expiresAt = Math.floor(now / 1000) + ttlSeconds + 3600;
  const userId = typeof user?.userId === 'string' ? user.userId : `test:${email}`;
  await documents.send(
    new PutCommand({
      TableName,
      Item: {
        ...keys.session(id),
        ...keys.sessionIndex(now, id),
        id,
        userId,
        email,
        roleId: ROLE_IDS[role],
        kind: 'ella',
        startedAt: now,
        lastActiveAt: now,
        expiresAt,
      },
    }),
  );
  return id;
}

/**
 * An access token for `role`, signed with the runtime's TOKEN_SECRET exactly as the
 * login routes sign them and bound to a session written for it, so a test can act as any
 * role without the identity flows.
 */
export async function accessToken(rt: Pick<Runtime, 'env'>, role: Role, email = `${role}@roster.test`, ttlSeconds = 600): Promise<string> {
  const secret = new TextEncoder().encode(rt.env.TOKEN_SECRET);
  const kid = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  const now = Math.floor(Date.now() / 1000);
  const sid = await testSession(rt.env, role, email, ttlSeconds);
  return new SignJWT({ sub: email, email, role_id: ROLE_IDS[role], sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
    .setIssuer('roster')
    .setAudience('roster')
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secret);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
