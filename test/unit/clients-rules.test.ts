import { describe, expect, it } from 'vitest';
import { clientDefinition } from '../../lib/clients/definition';
import { definitionJson, nestsDeeper, parseDefinitionJson } from '../../lib/clients/json';
import { keepaliveStatus, page, redact, redactKeysOf, registration, viewOf, MAX_DEPTH } from '../../lib/clients/rules';

const NOW = 1_700_000_000;

describe('redaction', () => {
  it('redacts the default keys at any depth, through arrays of objects', () => {
    const client = {
      name: 'db-01',
      password: 'p',
      nested: { api_key: 'k', deeper: { secret: 's', keep: 'v' } },
      list: [{ private_key: 'x', ok: 1 }, 'plain', [{ passwd: 'y' }]],
    };
    expect(redact(client, redactKeysOf(client))).toEqual({
      name: 'db-01',
      password: 'REDACTED',
      nested: { api_key: 'REDACTED', deeper: { secret: 'REDACTED', keep: 'v' } },
      list: [{ private_key: 'REDACTED', ok: 1 }, 'plain', [{ passwd: 'REDACTED' }]],
    });
  });

  it("replaces the defaults with the client's own redact list", () => {
    const client = { name: 'c', redact: ['token'], token: 't', password: 'shown' };
    expect(redact(client, redactKeysOf(client))).toMatchObject({ token: 'REDACTED', password: 'shown' });
  });

  it('matches keys exactly and redacts whole values, objects included', () => {
    const client = { name: 'c', passwords: 'x', secret: { a: 1 } };
    expect(redact(client, redactKeysOf(client))).toEqual({ name: 'c', passwords: 'x', secret: 'REDACTED' });
  });

  it('leaves the stored definition intact', () => {
    const client = { name: 'c', nested: { secret: 's' } };
    viewOf(client, NOW);
    expect(client.nested.secret).toBe('s');
  });

  it('keeps a __proto__ key as an own property and never touches a prototype', () => {
    const client = JSON.parse('{"name":"c","__proto__":{"secret":"s"}}') as Record<string, unknown>;
    const shown = redact(client, redactKeysOf(client)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(JSON.stringify(shown)).toBe('{"name":"c","__proto__":{"secret":"REDACTED"}}');
  });
});

describe('keepalive status', () => {
  it("uses Sensu's defaults, 120 s for warning and 180 s for critical, inclusive", () => {
    expect(keepaliveStatus({ timestamp: NOW - 119 }, NOW)).toBe('ok');
    expect(keepaliveStatus({ timestamp: NOW - 120 }, NOW)).toBe('warning');
    expect(keepaliveStatus({ timestamp: NOW - 179 }, NOW)).toBe('warning');
    expect(keepaliveStatus({ timestamp: NOW - 180 }, NOW)).toBe('critical');
  });

  it("uses the client's own thresholds", () => {
    const client = { timestamp: NOW - 30, keepalive: { thresholds: { warning: 10, critical: 60 } } };
    expect(keepaliveStatus(client, NOW)).toBe('warning');
    expect(keepaliveStatus({ ...client, timestamp: NOW - 60 }, NOW)).toBe('critical');
    expect(keepaliveStatus({ timestamp: NOW - 150, keepalive: { thresholds: { critical: 600 } } }, NOW)).toBe('warning');
  });

  it('counts a timestamp in the future as fresh', () => {
    expect(keepaliveStatus({ timestamp: NOW + 1000 }, NOW)).toBe('ok');
  });
});

describe('registration', () => {
  it('adds the client:<name> subscription once and keeps the rest as given', () => {
    const stored = registration({ name: 'web', subscriptions: ['a', 'client:web', 'a'], environment: 'prod' }, NOW, '0.1.0');
    expect(stored).toEqual({
      name: 'web',
      subscriptions: ['a', 'client:web'],
      environment: 'prod',
      timestamp: NOW,
      version: '0.1.0',
      keepalives: false,
    });
  });

  it('keeps a given timestamp, version and keepalives', () => {
    const stored = registration({ name: 'web', timestamp: 5, version: '1.2.0', keepalives: true }, NOW, '0.1.0');
    expect(stored).toMatchObject({ timestamp: 5, version: '1.2.0', keepalives: true, subscriptions: ['client:web'] });
  });
});

describe('the client definition at the edge', () => {
  const ok = (body: unknown) => clientDefinition.safeParse(body).success;

  it('accepts the Sensu documentation example and keeps unknown attributes', () => {
    const body = { name: 'api-example', address: '10.0.2.100', subscriptions: ['default'], environment: 'production', x: { y: [1] } };
    expect(clientDefinition.parse(body)).toEqual(body);
  });

  it('refuses what Sensu refuses', () => {
    expect(ok({})).toBe(false);
    expect(ok({ name: 'has space' })).toBe(false);
    expect(ok({ name: 'x'.repeat(256) })).toBe(false);
    expect(ok({ name: 'c', subscriptions: 'a' })).toBe(false);
    expect(ok({ name: 'c', subscriptions: [''] })).toBe(false);
    expect(ok({ name: 'c', address: 1 })).toBe(false);
    expect(ok({ name: 'c', redact: [1] })).toBe(false);
    expect(ok({ name: 'c', keepalive: { thresholds: { warning: 1.5 } } })).toBe(false);
    expect(ok({ name: 'c', keepalives: 'yes' })).toBe(false);
    expect(ok({ name: 'c', socket: { port: '3030' } })).toBe(false);
    expect(ok(['c'])).toBe(false);
  });

  it('refuses a known integer written so that a double would change it, or as a float', () => {
    for (const text of [
      '{"name":"c","timestamp":9007199254740993}',
      '{"name":"c","socket":{"port":1e400}}',
      '{"name":"c","socket":{"port":80.0}}',
    ])
      expect(ok(parseDefinitionJson(text)), text).toBe(false);
    expect(ok(parseDefinitionJson('{"name":"c","socket":{"port":80},"free":80.0}'))).toBe(true);
  });
});

describe('definitions as JSON text', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('writes back every number as it was written, and plain numbers as numbers', () => {
    const text = '{"a":9007199254740993,"b":1e400,"c":-0,"d":1.50,"e":[1E5,0.1,-1e-400],"f":42,"g":{"h":5e-324}}';
    const value = parseDefinitionJson(text) as Record<string, unknown>;
    expect(definitionJson(value)).toBe(text);
    expect(value.f).toBe(42);
    expect(definitionJson(redact(value, new Set(['a'])))).toBe(text.replace('9007199254740993', '"REDACTED"'));
  });

  it('keeps the last of a duplicate key, as JSON.parse does', () => {
    expect(definitionJson(parseDefinitionJson('{"a":1,"a":{"b":2}}'))).toBe('{"a":{"b":2}}');
  });

  it('counts nesting by a loop over the text, brackets inside strings excepted', () => {
    expect(nestsDeeper(nested(MAX_DEPTH), MAX_DEPTH)).toBe(false);
    expect(nestsDeeper(nested(MAX_DEPTH + 1), MAX_DEPTH)).toBe(true);
    expect(nestsDeeper('{"a":{"b":[1]}}', 2)).toBe(true);
    // A string ending in an escaped backslash, then one starting with an escaped quote.
    expect(nestsDeeper(String.raw`{"s":"[[[[\\","t":"\"[[["}`, 1)).toBe(false);
    expect(nestsDeeper(String.raw`{"s":"\\"}[[`, 1)).toBe(true);
    expect(nestsDeeper(nested(1_000_000), MAX_DEPTH)).toBe(true);
  });

  it('refuses a definition nested deeper than the limit with a 400, before parsing', () => {
    expect(() => parseDefinitionJson(`{"name":"c","nested":${nested(MAX_DEPTH)}}`)).toThrow(/64 levels/);
    expect(() => parseDefinitionJson(nested(1_000_000))).toThrow(expect.objectContaining({ statusCode: 400 }));
    expect(parseDefinitionJson(`{"name":"c","nested":${nested(MAX_DEPTH - 1)}}`)).toMatchObject({ name: 'c' });
  });
});

describe('paging', () => {
  it('slices with a limit and ignores the offset without one, as Sensu', () => {
    expect(page([1, 2, 3, 4], 2, 1)).toEqual([2, 3]);
    expect(page([1, 2, 3, 4], undefined, 3)).toEqual([1, 2, 3, 4]);
    expect(page([1, 2], 5, 9)).toEqual([]);
  });
});
