import type { InitializeHandlerOptions, InitializeMiddleware, MiddlewareStack } from '@aws-sdk/types';
import { AsyncLocalStorage } from 'node:async_hooks';

/** What one invocation cost in AWS calls: counted at the SDK, logged with the request. */
export interface Usage {
  /** `ops`: the calls by operation (`{"Query": 2, "GetItem": 1}`), present once a call is made. */
  dynamodb: { calls: number; attempts: number; rcu: number; wcu: number; ops?: Record<string, number> };
  stepfunctions: { calls: number };
}

/** A second invocation entered an environment while one was running in it: its host broke Lambda's model. */
export class OverlappingInvocation extends Error {
  constructor() {
    super('an execution environment runs one invocation at a time; another one is still running in it');
    this.name = 'OverlappingInvocation';
  }
}

/**
 * The invocation in progress. A Lambda execution environment runs one invocation at a time,
 * so one slot is enough there: AsyncLocalStorage would keep invocations apart too, but while
 * one is live every promise in the process pays for it (about a sixth of a heartbeat's CPU,
 * measured), so Lambda does without it. The local runtime runs overlapping invocations in
 * one module instance and says so (ROSTER_OVERLAPPING_INVOCATIONS=1, set by
 * infra/local/start.ts): it pays for the storage. Lambda's multi-concurrency (Managed
 * Instances) would need that too; Roster does not deploy it.
 */
const overlapping =
  process.env.ROSTER_OVERLAPPING_INVOCATIONS === '1'
    ? // One store for every bundle loaded in the process (a global symbol): each live one adds its own work to every promise.
      (((globalThis as Record<symbol, unknown>)[Symbol.for('roster.usage')] ??= new AsyncLocalStorage<Usage>()) as AsyncLocalStorage<Usage>)
    : undefined;
let current: Usage | undefined;

const blank = (): Usage => ({ dynamodb: { calls: 0, attempts: 0, rcu: 0, wcu: 0 }, stepfunctions: { calls: 0 } });

/** Runs `fn` with a fresh usage record that every instrumented client call adds to, until it settles. */
export const withUsage = async <T>(fn: (usage: Usage) => Promise<T>): Promise<T> => {
  const usage = blank();
  if (overlapping) return overlapping.run(usage, () => fn(usage));
  // Counting a second invocation's calls into the first's (and its audit caller) would be silent and wrong.
  if (current) throw new OverlappingInvocation();
  current = usage;
  try {
    return await fn(usage);
  } finally {
    current = undefined;
  }
};

export const currentUsage = (): Usage | undefined => (overlapping ? overlapping.getStore() : current);

/** DynamoDB operations that accept ReturnConsumedCapacity. */
const CAPACITY_OPERATIONS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
type Input = Record<string, unknown>;
type Output = Record<string, unknown> & { $metadata: { attempts?: number } };
type Instrumentable = { middlewareStack: MiddlewareStack<any, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
const STEP: InitializeHandlerOptions = { step: 'initialize', name: 'rosterUsage' };

/**
 * Counts a DynamoDB client's calls, retry attempts and consumed capacity into the
 * current invocation's usage, asking DynamoDB for TOTAL consumed capacity on every
 * operation that can report it. Costs nothing outside an invocation.
 */
export function instrumentDynamoDB(client: Instrumentable): void {
  const middleware: InitializeMiddleware<Input, Output> = (next, context) => async (args) => {
    const usage = currentUsage();
    if (!usage) return next(args);
    const reportsCapacity = CAPACITY_OPERATIONS.has(context.commandName ?? '');
    if (reportsCapacity && args.input.ReturnConsumedCapacity === undefined) args.input.ReturnConsumedCapacity = 'TOTAL';
    usage.dynamodb.calls++;
    const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const ops = (usage.dynamodb.ops ??= {});
    ops[op] = (ops[op] ?? 0) + 1;
    try {
      const result = await next(args);
      const consumed = result.output.ConsumedCapacity as Capacity | Capacity[] | undefined;
      for (const c of [consumed ?? []].flat()) {
        // DynamoDB reports CapacityUnits alone on some operations (and locally); split it by kind.
        const reads = c.ReadCapacityUnits ?? (c.WriteCapacityUnits === undefined && isRead(context.commandName) ? c.CapacityUnits : 0) ?? 0;
        const writes =
          c.WriteCapacityUnits ?? (c.ReadCapacityUnits === undefined && !isRead(context.commandName) ? c.CapacityUnits : 0) ?? 0;
        usage.dynamodb.rcu += reads;
        usage.dynamodb.wcu += writes;
      }
      usage.dynamodb.attempts += result.output.$metadata?.attempts ?? 1;
      return result;
    } catch (err) {
      usage.dynamodb.attempts += (err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      throw err;
    }
  };
  client.middlewareStack.add(middleware, STEP);
}

const isRead = (command = '') => /^(Get|Query|Scan|BatchGet|TransactGet)/.test(command);

/** Counts a Step Functions client's calls into the current invocation's usage. */
export function instrumentStepFunctions(client: Instrumentable): void {
  const middleware: InitializeMiddleware<Input, Output> = (next) => async (args) => {
    const usage = currentUsage();
    if (usage) usage.stepfunctions.calls++;
    return next(args);
  };
  client.middlewareStack.add(middleware, STEP);
}
