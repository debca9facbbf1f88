import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { __Client, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-sdk/types';
import { config } from '../config';
import { instrumentDynamoDB } from '../metrics';

/**
 * Retry policy, chosen once: standard mode (exponential backoff with jitter and a
 * retry quota), 4 attempts. Past that, throttling becomes a 503 with Retry-After and
 * a transaction conflict a 409 (see ./errors). Timeouts keep a stuck connection from
 * eating a Lambda's whole budget.
 */
export const RETRY = { maxAttempts: 4, retryMode: 'standard' } as const;
export const TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000 } as const;

/**
 * The SDK's logger middleware builds a redacted copy of every request and response for
 * `logger.info` (and of the request for `logger.error`) before calling it, even when the
 * logger throws it away, as the default no-op logger does. A logger without those two
 * skips that work on every call; the SDK's warnings and debug output go nowhere, as with
 * the default.
 */
export const SDK_LOGGER = { debug: () => {}, warn: () => {} } as unknown as Logger;

export const dynamodb = new DynamoDBClient({
  region: config.region,
  logger: SDK_LOGGER,
  ...RETRY,
  requestHandler: TIMEOUTS,
  ...(config.dynamodbEndpoint
    ? {
        endpoint: config.dynamodbEndpoint,
        // DynamoDB Local accepts any credentials; real AWS runs use the role's.
        credentials: {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
        },
      }
    : {}),
});

instrumentDynamoDB(dynamodb);

export const documents = resolvingOnce(
  DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

export const TABLE = config.tableName;

/** What `resolvingOnce` uses of a lib-dynamodb command: the protected parts every one of them has. */
interface DocumentCommand {
  clientCommand: { resolveMiddleware(stack: unknown, config: unknown, options: unknown): Resolved };
  middlewareStack: unknown;
  addMarshallingMiddleware(config: unknown): void;
}
type Resolved = (command: unknown) => Promise<{ output: unknown }>;
const isDocumentCommand = (command: object): command is DocumentCommand =>
  'clientCommand' in command && 'addMarshallingMiddleware' in command;

/**
 * The SDK resolves a command's middleware stack on every send: it copies the client's stack
 * and the command's, sorts them and builds the chain of closures, twice for a document
 * command (its own stack, then the low-level command's), which was the largest share of the
 * SDK's own CPU per call. Its `cacheMiddleware` option reuses that chain per command class,
 * but refuses the document client, whose resolved chain is bound to the one command instance
 * whose input it sends. This does what each lib-dynamodb command's `resolveMiddleware` does,
 * once per command class, and hands each call's own low-level command to the chain: the
 * marshalling reads that command's input, and the key nodes it uses are the class's. A
 * change to the client's stack (a middleware added or removed later) resolves again. Calls
 * with options (none in Roster) go the SDK's way, and so does every call while something
 * has replaced the class's `send` (a test's aws-sdk-client-mock), so that it sees them all.
 */
export function resolvingOnce(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  const handlers = new Map<unknown, Resolved>();
  // Every change to the client's own stack forgets the resolved chains (the document client shares that stack).
  const stack = client.middlewareStack as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['add', 'addRelativeTo', 'use', 'remove', 'removeByTag']) {
    const change = stack[method]!.bind(stack);
    stack[method] = (...args: unknown[]) => {
      handlers.clear();
      return change(...args);
    };
  }
  type Send = (this: DynamoDBDocumentClient, command: object, options?: unknown) => Promise<unknown>;
  const sdkSend = __Client.prototype.send as Send;
  const once = (command: object, options?: unknown): Promise<unknown> => {
    const classSend = (Object.getPrototypeOf(client) as { send: Send }).send;
    if (options !== undefined || classSend !== sdkSend || !isDocumentCommand(command)) return classSend.call(client, command, options);
    let handler = handlers.get(command.constructor);
    if (!handler) {
      command.addMarshallingMiddleware(client.config);
      const both = (client.middlewareStack as unknown as { concat(other: unknown): unknown }).concat(command.middlewareStack);
      handler = command.clientCommand.resolveMiddleware(both, client.config, undefined);
      handlers.set(command.constructor, handler);
    }
    return handler(command.clientCommand).then((result) => result.output);
  };
  client.send = once as typeof client.send;
  return client;
}
