import * as z from '../zod';
import { definitionJson } from './json';
import { MAX_DEFINITION_BYTES, NAME } from './rules';

/**
 * A Sensu 1.x client definition at the edge. Sensu's validator checks the types of the
 * attributes it knows (sensu-settings' client validator); everything else is free-form
 * and kept as given, so each object here is loose. Unlike Sensu, `address` and
 * `subscriptions` may be left out (a proxy client often has neither).
 *
 * It validates a body parsed by lib/clients/json.ts, which has already refused nesting
 * deeper than MAX_DEPTH. A known integer attribute must be written as a plain integer a
 * double holds exactly: `1.0`, `1e3` or `9007199254740993` stay kept numbers, not
 * numbers, and are refused (Sensu's Ruby validator refuses a Float there too).
 */
const strings = z.array(z.string());
const integer = z.number({ error: 'must be an integer' }).check(z.int({ error: 'must be an integer' }));
const handlers = { handler: z.optional(z.string()), handlers: z.optional(strings) };

const definitionShape = z.looseObject({
  name: z.string().check(z.regex(NAME, 'must match ^[\\w.-]+$ and be at most 255 characters')),
  address: z.optional(z.string()),
  subscriptions: z.optional(z.array(z.string().check(z.minLength(1, 'must each be a non-empty string')))),
  timestamp: z.optional(integer.check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER))),
  version: z.optional(z.string()),
  safe_mode: z.optional(z.boolean()),
  keepalives: z.optional(z.boolean()),
  redact: z.optional(strings),
  signature: z.optional(z.string()),
  socket: z.optional(z.looseObject({ enabled: z.optional(z.boolean()), bind: z.optional(z.string()), port: z.optional(integer) })),
  http_socket: z.optional(
    z.looseObject({
      enabled: z.optional(z.boolean()),
      bind: z.optional(z.string()),
      port: z.optional(integer),
      user: z.optional(z.string()),
      password: z.optional(z.string()),
      protect_all_endpoints: z.optional(z.boolean()),
    }),
  ),
  keepalive: z.optional(
    z.looseObject({
      ...handlers,
      thresholds: z.optional(z.looseObject({ warning: z.optional(integer), critical: z.optional(integer) })),
    }),
  ),
  registration: z.optional(z.looseObject({ ...handlers, status: z.optional(integer) })),
  deregistration: z.optional(z.looseObject({ ...handlers, status: z.optional(integer) })),
});

/** The whole definition: its known attributes typed, small enough for one item as it is stored. */
export const clientDefinition = definitionShape.check(
  z.refine((d) => Buffer.byteLength(definitionJson(d)) <= MAX_DEFINITION_BYTES, `must be at most ${MAX_DEFINITION_BYTES} bytes`),
);
