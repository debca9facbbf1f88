import type * as z from '../zod';
import type { Resolvers } from '../identity/authenticate';
import type { Access } from '../identity/roles';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

/** The four wire formats over one model; each renders bodies and errors its own way. */
export const SURFACES = ['ella', 'sensu', 'classic', 'crdb'] as const;
export type Surface = (typeof SURFACES)[number];

/** The IAM class of the route's Lambda: what it may do to the table. */
export type StoreAccess = 'none' | 'read' | 'write';

/** How the request body is read: strict JSON, free-form JSON object, an HTML form, or none. */
export type BodyKind = 'json' | 'form' | 'none';

/**
 * The memory of the node paths' functions (heartbeat, lease acquire/renew/release), below the
 * provider's 512 MB. They call at a steady rate per node and are mostly a wait on one DynamoDB
 * write, so they are billed per millisecond at whatever memory they have: at 128 MB a
 * heartbeat's ~2 ms of CPU runs at 1/14 of a vCPU (about 28 ms) and still costs less than at
 * 512 MB, where it would be 6 ms beside the same wait (bench section 2b prices both). A
 * heartbeat's process stays near 60 MB. A cold start takes longer at 128 MB: a node retries.
 */
export const NODE_PATH_MEMORY_MB = 128;

/** How a route reads JSON bodies and writes its answers, when JSON.parse/stringify would lose something. */
export interface JsonCodec {
  parse(text: string): unknown;
  stringify(value: unknown): string;
}

export interface RouteSpec {
  /** functions/<fn>.ts serves it; also the Lambda's name. */
  readonly fn: string;
  readonly method: HttpMethod;
  /** Canonical path without a trailing slash; `{name}` is a path parameter. */
  readonly path: string;
  readonly surface: Surface;
  readonly access: Access;
  /**
   * The checks of the credentials its callers present (lib/identity/resolvers.ts): every route
   * but a public one names them, and only those its access admits, so a node route's bundle
   * carries no JWT check and a user route's no member read.
   */
  readonly credentials?: Resolvers;
  /** Basic credentials are accepted only where the modelled system takes them. */
  readonly basicAuth?: boolean;
  /**
   * 'checked-in-write': the route's one conditional write checks the node credential (its
   * hash on the member), so authentication reads nothing and yields a `node-claim`.
   */
  readonly nodeCredential?: 'checked-in-write';
  readonly store: StoreAccess;
  /** Step Functions actions the Lambda needs on the drain state machine. */
  readonly states?: readonly ('StartExecution' | 'StopExecution')[];
  /** Files beside its bundle that the function's package carries (globs from the repo root): the console's assets. */
  readonly packageFiles?: readonly string[];
  /** Lambda memory in MB when the default does not fit (scrypt at N=2^17 needs 128 MiB; NODE_PATH_MEMORY_MB). */
  readonly memorySize?: number;
  /** Success status when the handler does not choose one. */
  readonly status: number;
  readonly summary: string;
  readonly params?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  readonly body?: z.ZodMiniType;
  readonly bodyKind?: BodyKind;
  /**
   * false: served by the local runtime only, never deployed. On AWS nothing on the internet may
   * create the first admin: the one-off bootstrap function does it with a password from SSM.
   */
  readonly deployed?: false;
  /**
   * JSON in and out when the built-in JSON would lose something (the client registry keeps
   * numbers as written); slower than JSON.parse, so only the routes that need it name one.
   */
  readonly json?: JsonCodec;
  /**
   * How to ask for less, for a route whose answer grows with the cluster: named in the 400
   * that refuses an answer over Lambda's 6 MB response limit (lib/http/encoding).
   */
  readonly paging?: string;
}

/** The Lambda behind API Gateway's `$default` route: unknown paths and wrong methods. */
export const NOT_FOUND_FN = 'not-found';

/**
 * Declares a route, keeping its schema types for the handler's input. Pure, so a bundle
 * keeps only the routes it uses of a module (and what their credentials and schemas pull).
 */
// @__NO_SIDE_EFFECTS__
export function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;
export type ParamsOf<R extends RouteSpec> = Parsed<R['params']>;
export type QueryOf<R extends RouteSpec> = Parsed<R['query']>;
export type BodyOf<R extends RouteSpec> = Parsed<R['body']>;
