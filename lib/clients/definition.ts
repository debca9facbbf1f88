import * as z from 'zod';
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
const integer = z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' });
const handlers = { handler: z.string().optional(), handlers: strings.optional() };

const definitionShape = z.looseObject({
  name: z.string().regex(NAME, 'must match ^[\\w.-]+$ and be at most 255 characters'),
  address: z.string().optional(),
  subscriptions: z.array(z.string().min(1, 'must each be a non-empty string')).optional(),
  timestamp: integer.min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  version: z.string().optional(),
  safe_mode: z.boolean().optional(),
  keepalives: z.boolean().optional(),
  redact: strings.optional(),
  signature: z.string().optional(),
  socket: z.looseObject({ enabled: z.boolean().optional(), bind: z.string().optional(), port: integer.optional() }).optional(),
  http_socket: z
    .looseObject({
      enabled: z.boolean().optional(),
      bind: z.string().optional(),
      port: integer.optional(),
      user: z.string().optional(),
      password: z.string().optional(),
      protect_all_endpoints: z.boolean().optional(),
    })
    .optional(),
  keepalive: z
    .looseObject({
      ...handlers,
      thresholds: z.looseObject({ warning: integer.optional(), critical: integer.optional() }).optional(),
    })
    .optional(),
  registration: z.looseObject({ ...handlers, status: integer.optional() }).optional(),
  deregistration: z.looseObject({ ...handlers, status: integer.optional() }).optional(),
});

/** The whole definition: its known attributes typed, small enough for one item as it is stored. */
export const clientDefinition = definitionShape.refine(
  (d) => Buffer.byteLength(definitionJson(d)) <= MAX_DEFINITION_BYTES,
  `must be at most ${MAX_DEFINITION_BYTES} bytes`,
);
