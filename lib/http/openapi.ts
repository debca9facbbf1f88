import * as z from '../zod';
import { config } from '../config';
import type { RouteSpec } from './route';

/**
 * The OpenAPI 3.1 document of a route table: paths, parameters and bodies from the
 * routes' zod schemas (z.toJSONSchema, draft 2020-12 as OpenAPI 3.1 uses), and security
 * from who may call each route.
 */

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodMiniType): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
};

function parameters(route: RouteSpec): Json[] {
  const of = (where: 'path' | 'query', schema: z.ZodMiniType | undefined): Json[] => {
    if (!schema) return [];
    const json = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, s]) => ({
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      schema: s,
    }));
  };
  return [...of('path', route.params), ...of('query', route.query)];
}

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'An access JWT (HS256, typ at+jwt), an API token roster_<id>_<secret>, or a node credential',
  },
  cockroachSession: { type: 'apiKey', in: 'header', name: 'X-Cockroach-API-Session', description: 'A session from POST /api/v2/login/' },
  basic: { type: 'http', scheme: 'basic', description: 'Email and password; only on the routes that take it' },
};

function security(route: RouteSpec): Json[] {
  const basic = route.basicAuth ? [{ basic: [] }] : [];
  if (route.access === 'public') return basic;
  return [{ bearer: [] }, { cockroachSession: [] }, ...basic];
}

function operation(route: RouteSpec): Json {
  const responses: Json = { [String(route.status)]: { description: 'Success' } };
  if (route.params || route.query || route.body) responses['400'] = { description: 'Invalid input; the message names the field' };
  if (route.access !== 'public') {
    responses['401'] = { description: 'No valid credential' };
    responses['403'] = { description: 'The credential lacks the right' };
  }
  const mediaType = route.bodyKind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  return {
    operationId: route.fn,
    summary: route.summary,
    tags: [route.surface],
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { [mediaType]: { schema: schemaOf(route.body) } } } } : {}),
    responses,
    security: security(route),
    'x-roster-access': route.access,
  };
}

export function openApiDocument(routes: readonly RouteSpec[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Roster',
      version: config.version,
      description: 'Cluster membership control plane: Ella, Sensu Go, Sensu classic and CockroachDB surfaces',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { securitySchemes: SECURITY_SCHEMES },
  };
}
