import type { InitializeHandlerOptions, InitializeMiddleware, MiddlewareStack } from '@aws-sdk/types';
import { AsyncLocalStorage } from 'node:async_hooks';

/** What one invocation cost in AWS calls: counted at the SDK, logged with the request. */
export interface Usage {
  /** `ops`: the calls by operation (`{"Query": 2, "GetItem": 1}`), present once a call is made. */
  dynamodb: { calls: number; attempts: number; rcu: number; wcu: number; ops?: Record<string, number> };
  stepfunctions: { calls: number };
}

/**
 * One store per process, shared by every bundle loaded in it (a global symbol). On Lambda a
 * process holds one bundle anyway; the local runtime holds them all, and every live
 * AsyncLocalStorage adds its own work to every promise created anywhere in the process.
 */
const STORAGE = Symbol.for('roster.usage');
const storage = ((globalThis as Record<symbol, unknown>)[STORAGE] ??= new AsyncLocalStorage<Usage>()) as AsyncLocalStorage<Usage>;

const blank = (): Usage => ({ dynamodb: { calls: 0, attempts: 0, rcu: 0, wcu: 0 }, stepfunctions: { calls: 0 } });

/** Runs `fn` with a fresh usage record that every instrumented client call adds to. */
export const withUsage = <T>(fn: (usage: Usage) => Promise<T>): Promise<T> => {
  const usage = blank();
  return storage.run(usage, () => fn(usage));
};

export const currentUsage = (): Usage | undefined => storage.getStore();

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
    const usage = storage.getStore();
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
    const usage = storage.getStore();
    if (usage) usage.stepfunctions.calls++;
    return next(args);
  };
  client.middlewareStack.add(middleware, STEP);
}
