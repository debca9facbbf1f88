import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CockroachDB's API v2 responses as JSON Schemas written from its Swagger spec and Go
 * structs (test/contract/cockroach/*.json, not from Roster's answers), checked with ajv.
 */
const dir = join(import.meta.dirname, '..', 'contract', 'cockroach');
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv, ['date-time']);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')));

export type CrdbResponse = 'nodes' | 'node-ranges' | 'hot-ranges' | 'range' | 'sessions' | 'login' | 'logout';

/** The schema's complaints about `body` (empty when it conforms). */
export function contractErrors(response: CrdbResponse, body: unknown): string[] {
  const validate = ajv.getSchema(`crdb-${response}.json`);
  if (!validate) throw new Error(`no schema for ${response}`);
  return validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
