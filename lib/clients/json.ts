import { LosslessNumber, parse, stringify } from 'lossless-json';
import { BadRequest } from '../errors';
import { MAX_DEPTH } from './rules';

/**
 * Client definitions as JSON text, kept exactly as given. JSON.parse would round every
 * number to a double (9007199254740993 becomes …992, 1e400 becomes Infinity and then null),
 * so definitions are parsed with lossless-json: a number whose text a double writes back
 * unchanged is a plain number (so schemas and rules see the known attributes as numbers),
 * any other keeps its text as a LosslessNumber and is written back digit for digit.
 *
 * Depth is checked on the raw text first, by a loop and not by recursion, so neither the
 * parser nor anything after it ever walks a value nested deeper than MAX_DEPTH.
 */

const parseNumber = (text: string): number | LosslessNumber => (String(Number(text)) === text ? Number(text) : new LosslessNumber(text));

/** As JSON.parse: of a key given twice, the last value counts. */
const lastWins = ({ newValue }: { newValue: unknown }) => newValue;

/** Whether objects and arrays in `text` nest deeper than `limit`; brackets inside strings do not count. */
export function nestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Parses a definition's JSON text; deeper than MAX_DEPTH is a 400, malformed JSON a SyntaxError. */
export function parseDefinitionJson(text: string): unknown {
  if (nestsDeeper(text, MAX_DEPTH)) throw new BadRequest(`A client definition must nest at most ${MAX_DEPTH} levels deep`);
  return parse(text, null, { parseNumber, onDuplicateKey: lastWins });
}

/** Writes a value parsed by `parseDefinitionJson` (or anything JSON.stringify takes) back as JSON text. */
export function definitionJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

/** The route codec of the client routes: bodies in, definitions out, both exact. */
export const exactJson = { parse: parseDefinitionJson, stringify: definitionJson };
