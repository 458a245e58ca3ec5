/**
 * Strict JSON for checkpoints.
 *
 * `parseJson` is RFC 8259 JSON with the checks `JSON.parse` skips: a key repeated in one object is
 * an error (safetensors forbids duplicate keys; `JSON.parse` silently keeps the last), nesting is
 * bounded, and it can report where each value of an object lies in the text. With `nonFinite`
 * it also reads the tokens `NaN`, `Infinity` and `-Infinity`, as Python's `json` module writes
 * and reads them.
 *
 * `stringifyJson` writes those tokens for non-finite numbers and `-0.0` for negative zero, so
 * every double survives the round trip exactly (an lr schedule's `best = Infinity` included).
 * It accepts plain data only (objects, arrays, strings, finite or non-finite numbers, booleans,
 * null) and throws a TypeError naming the path of anything else.
 */

/** Deepest nesting either function accepts. */
export const MAX_JSON_DEPTH = 64;

export interface ParseOptions {
  /** Accept `NaN`, `Infinity`, `-Infinity`. Default false. */
  nonFinite?: boolean;
  /** Deepest nesting accepted. Default {@link MAX_JSON_DEPTH}. */
  maxDepth?: number;
  /** Filled with, for each object parsed, its keys' value spans `[start, end)` in the text. */
  spans?: WeakMap<object, Map<string, [number, number]>>;
}

/** Thrown by {@link parseJson}; `position` is the offset in the text. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WS = /[ \t\n\r]*/y;

/** Parses `text` as strict JSON (see the module comment). */
export function parseJson(text: string, options: ParseOptions = {}): unknown {
  const nonFinite = options.nonFinite ?? false;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const spans = options.spans;
  let i = 0;

  const fail = (msg: string, at = i): never => {
    throw new JsonSyntaxError(msg, at);
  };
  const ws = (): void => {
    WS.lastIndex = i;
    WS.test(text);
    i = WS.lastIndex;
  };
  const literal = (word: string, value: unknown): unknown => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail('unexpected token');
  };
  const string = (): string => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      i += c === 0x5c ? 2 : 1;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('bad escape in string', start);
    }
  };
  const number = (): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected token');
    i = NUMBER.lastIndex;
    return Number(m[0]);
  };
  const value = (depth: number): unknown => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth}`);
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c === '"') return string();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (nonFinite) {
      if (c === 'N') return literal('NaN', NaN);
      if (c === 'I') return literal('Infinity', Infinity);
      if (c === '-' && text[i + 1] === 'I') return literal('-Infinity', -Infinity);
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    return fail(c === undefined ? 'unexpected end of text' : 'unexpected token');
  };
  const object = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const where = spans ? new Map<string, [number, number]>() : undefined;
    const seen = new Set<string>();
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      spans?.set(out, where!);
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('expected a string key');
      const keyAt = i;
      const key = string();
      if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      seen.add(key);
      ws();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      ws();
      const start = i;
      const v = value(depth);
      where?.set(key, [start, i]);
      // Like JSON.parse: "__proto__" becomes an own property, never the prototype.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        spans?.set(out, where!);
        return out;
      }
      fail("expected ',' or '}'");
    }
  };
  const array = (depth: number): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth));
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail("expected ',' or ']'");
    }
  };

  const result = value(0);
  ws();
  if (i !== text.length) fail('unexpected text after the value');
  return result;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function numberText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return Object.is(v, -0) ? '-0.0' : String(v);
}

/**
 * Writes plain data as JSON (see the module comment). Object properties whose value is
 * `undefined` are left out, as `JSON.stringify` does; anything else that is not plain data
 * (functions, class instances, typed arrays, cycles, bigints, nesting deeper than
 * {@link MAX_JSON_DEPTH}) is a TypeError naming where it is, e.g. `state.milestones[2]`.
 */
export function stringifyJson(value: unknown, path = 'value'): string {
  const stack = new Set<object>();
  const write = (v: unknown, at: string, depth: number): string => {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return numberText(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object': {
        if (v === null) return 'null';
        if (stack.has(v)) throw new TypeError(`${at} refers back to itself (a cycle is not JSON data)`);
        if (depth >= MAX_JSON_DEPTH) throw new TypeError(`${at} is nested deeper than ${MAX_JSON_DEPTH} levels`);
        stack.add(v);
        let out: string;
        if (Array.isArray(v)) {
          out = `[${v.map((x, k) => write(x, `${at}[${k}]`, depth + 1)).join(',')}]`;
        } else if (isPlainObject(v)) {
          const parts: string[] = [];
          for (const [k, x] of Object.entries(v)) {
            if (x !== undefined) parts.push(`${JSON.stringify(k)}:${write(x, `${at}.${k}`, depth + 1)}`);
          }
          out = `{${parts.join(',')}}`;
        } else {
          const kind = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
          throw new TypeError(`${at} is a ${kind}, not plain JSON data (use objects, arrays, numbers, strings, booleans, null)`);
        }
        stack.delete(v);
        return out;
      }
      default:
        throw new TypeError(`${at} is ${v === undefined ? 'undefined' : `a ${typeof v}`}, not JSON data`);
    }
  };
  return write(value, path, 0);
}
