/**
 * Hostile variants of a valid request: wrong types, huge and strange strings, deep nesting,
 * prototype keys, out-of-range numbers, bad ids, junk bodies and bad headers. Seeded, so a
 * failing run can be replayed with the same FUZZ_SEED.
 */
import type { Example } from './examples';

export interface Hostile {
  kind: string;
  /** The request passes authentication and JSON parsing (it should reach validation or the handler). */
  pastParsing: boolean;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

export function prng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const STRANGE_STRINGS = [
  '',
  ' ',
  'x'.repeat(100_000),
  '😀'.repeat(2_000),
  '\u202e\u200b\u0000\ufeff',
  '\ud800',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '%00%ff',
  '\\u0000',
];
const STRANGE_NUMBERS = [-1, 0, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, Number.MIN_VALUE, 3600.0001, 86401];
const STRANGE_VALUES: unknown[] = [null, true, false, [], {}, [1, 2], { a: 1 }, ...STRANGE_STRINGS.slice(0, 6), ...STRANGE_NUMBERS];
const BAD_IDS = [
  '0',
  '-1',
  '1e3',
  '0x10',
  '9007199254740993',
  '99999999999999999999',
  'abc',
  '%00',
  '%2F..%2F',
  'x'.repeat(3000),
  '😀',
  ' 1',
];

function deep(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function mutateBody(example: Example, rnd: ReturnType<typeof prng>): { kind: string; body: string } {
  const base = (typeof example.body === 'object' && example.body !== null ? example.body : {}) as Record<string, unknown>;
  const fields = Object.keys(base);
  const choice = Math.floor(rnd.next() * 8);
  switch (choice) {
    case 0: {
      const field = fields.length ? rnd.pick(fields) : 'field';
      return { kind: 'wrong type', body: JSON.stringify({ ...base, [field]: rnd.pick(STRANGE_VALUES) }) };
    }
    case 1:
      return {
        kind: 'unknown property',
        body: JSON.stringify({ ...base, [rnd.pick(['admin', 'role_id', 'isLeader', 'x'.repeat(300)])]: true }),
      };
    case 2:
      return {
        kind: 'prototype keys',
        body: `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}},${JSON.stringify(base).slice(1)}`,
      };
    case 3:
      return { kind: 'deep nesting', body: JSON.stringify({ ...base, nested: JSON.parse(deep(200)) }) };
    case 4:
      return { kind: 'not an object', body: JSON.stringify(rnd.pick([[base], 'string', 42, null, true])) };
    case 5: {
      const field = fields.length ? rnd.pick(fields) : 'ttlSeconds';
      return { kind: 'out of range', body: JSON.stringify({ ...base, [field]: rnd.pick(STRANGE_NUMBERS) }) };
    }
    case 6: {
      const field = fields.length ? rnd.pick(fields) : 'name';
      return { kind: 'strange string', body: JSON.stringify({ ...base, [field]: rnd.pick(STRANGE_STRINGS) }) };
    }
    default:
      return { kind: 'missing fields', body: '{}' };
  }
}

function mutatePath(path: string, rnd: ReturnType<typeof prng>): string {
  const [p, q] = path.split('?') as [string, string | undefined];
  const segments = p.split('/');
  const idSegments = segments.map((s, i) => (/^[0-9a-f]+$/i.test(s) || /^fuzz/.test(s) ? i : -1)).filter((i) => i >= 0);
  if (idSegments.length && rnd.next() < 0.7) segments[rnd.pick(idSegments)] = rnd.pick(BAD_IDS);
  const query =
    rnd.next() < 0.5
      ? `${q ? `${q}&` : ''}${rnd.pick(['limit=-1', 'limit=abc', 'page=0', 'per_page=100000', 'force=maybe', 'offset=1e9', 'fencingToken=-5', 'x=' + 'y'.repeat(5000)])}`
      : q;
  return segments.join('/') + (query ? `?${query}` : '');
}

/** `count` hostile variants of a route's valid example, sent with `auth` unless the variant attacks the headers. */
export function hostileRequests(example: Example, auth: Record<string, string>, hasBody: boolean, count: number, seed: number): Hostile[] {
  const rnd = prng(seed);
  const out: Hostile[] = [];
  const json = { 'content-type': 'application/json' };
  for (let i = 0; i < count; i++) {
    const roll = rnd.next();
    if (roll < 0.12) {
      out.push({
        kind: 'bad credential',
        pastParsing: false,
        path: example.path,
        body: example.body === undefined ? undefined : JSON.stringify(example.body),
        headers: {
          ...json,
          ...(Object.keys(auth).length
            ? {
                authorization: rnd.pick([
                  'Bearer',
                  'Bearer a.b.c',
                  'Basic !!!',
                  'Bearer roster_1_x',
                  'Bearer rnode_1_short',
                  `Bearer ${'x'.repeat(8000)}`,
                  'Digest x',
                ]),
              }
            : {}),
        },
      });
    } else if (roll < 0.22) {
      out.push({
        kind: 'junk body',
        pastParsing: false,
        path: example.path,
        body: rnd.pick(['{"a":', 'not json', '\u0000\u0001', '{"a":1}}', `"${'z'.repeat(600_000)}"`, '[' + deep(1) + ',]']),
        headers: { ...auth, ...json },
      });
    } else if (roll < 0.55 || !hasBody) {
      out.push({
        kind: 'path or query',
        pastParsing: true,
        path: mutatePath(example.path, rnd),
        body: example.body === undefined ? undefined : JSON.stringify(example.body),
        headers: { ...auth, ...json, ...(rnd.next() < 0.2 ? { 'content-type': rnd.pick(['text/plain', 'application/xml', '']) } : {}) },
      });
    } else {
      const { kind, body } = mutateBody(example, rnd);
      out.push({ kind, pastParsing: true, path: example.path, body, headers: { ...auth, ...json } });
    }
  }
  return out;
}
