/**
 * A local stand-in for the Step Functions API (JSON 1.0 protocol), so Lambdas use the
 * real @aws-sdk/client-sfn against it exactly as on AWS. Executions run the same ASL
 * file with aws-local-stepfunctions; `lambda:invoke` tasks call the local bundles.
 * Executions live in memory: a restart loses them, as a lost timer would, and the
 * scheduled watcher is the backstop for that.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { Sha256 } from '../../lib/ssm-parameters';

type Json = Parameters<StateMachine['run']>[0];

// aws-local-stepfunctions 3 uses Promise.withResolvers, which Node 20 lacks.
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
      return { promise, resolve, reject };
    },
  });
}

export type Invoke = (functionName: string, payload: unknown) => Promise<unknown>;

export interface HistoryEvent {
  id: number;
  type: string;
  timestamp: number;
  name?: string;
}

interface Execution {
  arn: string;
  machineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  history: HistoryEvent[];
  abort(): void;
}

export interface LocalStepFunctions {
  endpoint: string;
  arnOf(machine: string): string;
  close(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** How far a request's signing time may be from now, as on AWS. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether the request carries a valid SigV4 signature by `credentials`: the signature is
 * computed again over the headers it says it signed and compared in constant time.
 */
export async function signedBy(req: IncomingMessage, body: string, credentials: Credentials): Promise<boolean> {
  const auth = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
  const date = AMZ_DATE.exec(String(req.headers['x-amz-date'] ?? ''));
  if (!auth || !date || auth[1] !== credentials.accessKeyId || req.url !== '/') return false;
  const [, , region, service, signedHeaders, signature] = auth as unknown as [string, string, string, string, string, string];
  const [, y, mo, d, h, mi, s] = date.map(Number) as [number, number, number, number, number, number, number];
  const signingDate = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (!(Math.abs(Date.now() - signingDate.getTime()) <= CLOCK_SKEW_MS)) return false;
  const names = signedHeaders.split(';');
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (typeof value !== 'string') return false;
    headers[name] = value;
  }
  if (!headers.host) return false;
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    { method: req.method ?? 'POST', protocol: 'http:', hostname: headers.host, path: '/', headers, body },
    { signingDate, signableHeaders: new Set(names) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Step Functions' own history event names for the library's state events. */
function historyType(event: { type: string; state?: { type: string } }): string {
  const state = event.state?.type;
  switch (event.type) {
    case 'StateEntered':
      return `${state}StateEntered`;
    case 'StateExited':
      return `${state}StateExited`;
    case 'StateFailed':
      return `${state}StateFailed`;
    default:
      return event.type;
  }
}

export async function startLocalStepFunctions(options: {
  /** State machine name → its ASL definition. */
  machines: Record<string, unknown>;
  invoke: Invoke;
  /** The only credentials whose signed calls are served (the runtime's, made at each start). */
  credentials: Credentials;
  port?: number;
}): Promise<LocalStepFunctions> {
  const arnOf = (machine: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${machine}`;
  const definitions = new Map<string, StateMachineDefinition>(
    Object.entries(options.machines).map(([name, definition]) => [arnOf(name), definition as StateMachineDefinition]),
  );
  const executions = new Map<string, Execution>();

  const lambdaTasks = (definition: StateMachineDefinition) =>
    Object.fromEntries(
      Object.entries(definition.States)
        .filter(([, s]) => s.Type === 'Task' && (s as { Resource: string }).Resource === 'arn:aws:states:::lambda:invoke')
        .map(([name]) => [
          name,
          async (input: Json): Promise<Json> => {
            const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
            return { StatusCode: 200, Payload: ((await options.invoke(FunctionName, Payload)) ?? null) as Json };
          },
        ]),
    );

  function start(body: { stateMachineArn?: string; name?: string; input?: string }) {
    const definition = definitions.get(body.stateMachineArn ?? '');
    if (!definition) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${body.stateMachineArn}'`);
    const name = body.name ?? crypto.randomUUID();
    const input = body.input ?? '{}';
    const arn = `${body.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(arn);
    if (existing) {
      // Standard workflows: the same name and input while running is the same execution.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: existing.startDate / 1000 };
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const run = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } }).run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: lambdaTasks(definition) },
      noThrowOnAbort: true,
    });
    const execution: Execution = {
      arn,
      machineArn: body.stateMachineArn!,
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now(),
      history: [],
      abort: run.abort,
    };
    executions.set(arn, execution);
    // The history is complete before the status settles: a caller that sees SUCCEEDED sees every event.
    const logged = (async () => {
      for await (const event of run.eventLogs) {
        const e = event as { type: string; timestamp: number; state?: { name: string; type: string } };
        execution.history.push({ id: execution.history.length + 1, type: historyType(e), timestamp: e.timestamp, name: e.state?.name });
      }
    })();
    run.result.then(
      async (output) => {
        await logged;
        if (execution.status !== 'RUNNING') return;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
        execution.stopDate = Date.now();
      },
      async (err: Error) => {
        await logged.catch(() => undefined);
        if (execution.status !== 'RUNNING') return;
        execution.status = err.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        execution.error = err.message;
        execution.stopDate = Date.now();
      },
    );
    return { executionArn: arn, startDate: execution.startDate / 1000 };
  }

  const find = (arn: string | undefined) => {
    const execution = executions.get(arn ?? '');
    if (!execution) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  };

  const actions: Record<string, (body: Record<string, string | undefined>) => unknown> = {
    StartExecution: start,
    StopExecution: ({ executionArn }) => {
      const execution = find(executionArn);
      if (execution.status === 'RUNNING') {
        execution.status = 'ABORTED';
        execution.stopDate = Date.now();
        execution.abort();
      }
      return { stopDate: (execution.stopDate ?? Date.now()) / 1000 };
    },
    DescribeExecution: ({ executionArn }) => {
      const e = find(executionArn);
      return {
        executionArn: e.arn,
        stateMachineArn: e.machineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate / 1000,
        ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
        input: e.input,
        ...(e.output ? { output: e.output } : {}),
        ...(e.error ? { error: e.error } : {}),
      };
    },
    ListExecutions: ({ stateMachineArn }) => ({
      executions: [...executions.values()]
        .filter((e) => e.machineArn === stateMachineArn)
        .reverse()
        .map((e) => ({
          executionArn: e.arn,
          stateMachineArn: e.machineArn,
          name: e.name,
          status: e.status,
          startDate: e.startDate / 1000,
          ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
        })),
    }),
    GetExecutionHistory: ({ executionArn }) => ({
      events: find(executionArn).history.map((h) => ({
        id: h.id,
        type: h.type,
        timestamp: h.timestamp / 1000,
        ...(h.name ? { stateEnteredEventDetails: { name: h.name } } : {}),
      })),
    }),
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks).toString();
      // Only the runtime's own functions hold its per-start credentials: anyone else is refused before any action.
      if (!(await signedBy(req, body, options.credentials))) {
        send(403, { __type: 'InvalidSignatureException', message: 'The request is not signed with the local runtime credentials' });
        return;
      }
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const handler = actions[action];
      if (!handler) throw new ApiError('UnknownOperationException', `${action} is not emulated locally`);
      send(200, handler(JSON.parse(body || '{}')));
    } catch (err) {
      if (!res.headersSent) send(400, { __type: err instanceof ApiError ? err.type : 'InvalidArn', message: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arnOf,
    close: () =>
      new Promise<void>((resolve) => {
        for (const e of executions.values()) if (e.status === 'RUNNING') e.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
