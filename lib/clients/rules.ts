/**
 * The pure rules of the client registry (Sensu 1.x's): what a stored definition becomes,
 * what a reader sees of it, and how stale it is. No I/O.
 */

/** A client definition as given: free-form JSON, with at least a valid `name`. */
export type ClientDefinition = { name: string } & Record<string, unknown>;

export type KeepaliveStatus = 'ok' | 'warning' | 'critical';

/** What every read shows: the redacted definition and its computed staleness. */
export type ClientView = Record<string, unknown> & { name: string; keepalive_status: KeepaliveStatus };

/** Sensu's default sensitive keys, redacted when a client names none of its own. */
export const DEFAULT_REDACT = [
  'password',
  'passwd',
  'pass',
  'api_key',
  'api_token',
  'access_key',
  'secret_key',
  'private_key',
  'secret',
] as const;

/** Sensu's keepalive thresholds, in seconds, when a client sets none. */
export const DEFAULT_THRESHOLDS = { warning: 120, critical: 180 } as const;

/** The deepest nesting a definition may have: redaction walks it, and no real client nests this deep (checked on the raw text). */
export const MAX_DEPTH = 64;

/** A definition must fit one store item (400 KB) with its keys. */
export const MAX_DEFINITION_BYTES = 350_000;

export const NAME = /^[\w.-]{1,255}$/;

/**
 * A plain JSON object. A number kept as written (lib/clients/json.ts) is an object of its
 * own class: a value to keep, never an object to walk into.
 */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * A copy of `value` with every key in `keys` replaced by "REDACTED", at any depth,
 * through objects and arrays of objects, as Sensu's redact_sensitive does.
 * Keys are copied as own properties (`__proto__` included): nothing is ever set through a prototype.
 */
export function redact(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redact(v, keys));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys.has(k) ? 'REDACTED' : redact(v, keys)]));
}

/** The keys a client's reads hide: its own `redact` list replaces the defaults. */
export function redactKeysOf(definition: Record<string, unknown>): ReadonlySet<string> {
  const own = definition.redact;
  if (Array.isArray(own) && own.every((k) => typeof k === 'string')) return new Set(own);
  return new Set(DEFAULT_REDACT);
}

const threshold = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** ok, warning or critical from the age of the last keepalive and the client's own thresholds (Sensu's `>=`). */
export function keepaliveStatus(definition: Record<string, unknown>, nowSeconds: number): KeepaliveStatus {
  const keepalive = isObject(definition.keepalive) ? definition.keepalive : {};
  const thresholds = isObject(keepalive.thresholds) ? keepalive.thresholds : {};
  const warning = threshold(thresholds.warning, DEFAULT_THRESHOLDS.warning);
  const critical = threshold(thresholds.critical, DEFAULT_THRESHOLDS.critical);
  const timestamp = typeof definition.timestamp === 'number' ? definition.timestamp : 0;
  const age = nowSeconds - timestamp;
  if (age >= critical) return 'critical';
  if (age >= warning) return 'warning';
  return 'ok';
}

/** What a reader sees: redacted, with its keepalive status. The stored definition stays intact. */
export function viewOf(definition: ClientDefinition, nowSeconds: number): ClientView {
  const shown = redact(definition, redactKeysOf(definition)) as Record<string, unknown>;
  return { ...shown, name: definition.name, keepalive_status: keepaliveStatus(definition, nowSeconds) };
}

/**
 * What a registration stores, as Sensu's POST /clients: the definition as given, with a
 * timestamp and version when it brings none, `keepalives: false` unless it says otherwise
 * (an API client sends no keepalives of its own), and its own `client:<name>` subscription.
 */
export function registration(definition: ClientDefinition, nowSeconds: number, version: string): ClientDefinition {
  const subscriptions = Array.isArray(definition.subscriptions) ? (definition.subscriptions as unknown[]) : [];
  return {
    ...definition,
    timestamp: typeof definition.timestamp === 'number' ? definition.timestamp : nowSeconds,
    version: typeof definition.version === 'string' ? definition.version : version,
    keepalives: typeof definition.keepalives === 'boolean' ? definition.keepalives : false,
    subscriptions: [...new Set([...subscriptions, `client:${definition.name}`])],
  };
}

/** A keepalive: the client is as it was (or as the keepalive describes it), seen now. */
export const keptAlive = (definition: ClientDefinition, nowSeconds: number): ClientDefinition => ({
  ...definition,
  timestamp: nowSeconds,
});

/** Sensu's pagination: `offset` counts only with a `limit`; without one, the whole list. */
export function page<T>(items: readonly T[], limit: number | undefined, offset: number): T[] {
  return limit === undefined ? [...items] : items.slice(offset, offset + limit);
}
