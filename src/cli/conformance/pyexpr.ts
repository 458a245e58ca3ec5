/**
 * A small parser and evaluator for the Python expressions that fixture files use to name a torch
 * call, e.g. `OneCycleLR(max_lr=0.2, total_steps=30)` or
 * `SequentialLR([LinearLR(start_factor=0.01, total_iters=5), CosineAnnealingLR(T_max=20)], milestones=[5])`.
 *
 * Supported: numbers, strings, True/False/None, lists, tuples, names, attribute access, calls with
 * positional and keyword arguments, unary and binary arithmetic (+ − * / // % **), comparisons,
 * `and`/`or`/`not`, `a if c else b`, and `lambda x, y: expr`. Arithmetic follows Python on floats
 * (floor division and modulo take the sign of the divisor; division by zero throws).
 */

export type Value = number | string | boolean | null | Value[] | PyFunction | Callable | { [name: string]: Value } | object;

/** A Python function made by `lambda`, or a builtin: positional arguments only. */
export type PyFunction = (...args: Value[]) => Value;

/** Something called with positional and keyword arguments (e.g. a scheduler constructor). */
export interface Callable {
  readonly kind: 'callable';
  call(args: Value[], kwargs: Array<[string, Value]>): Value;
}

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'name'; id: string }
  | { t: 'list' | 'tuple'; items: Node[] }
  | { t: 'call'; fn: Node; args: Node[]; kwargs: Array<[string, Node]> }
  | { t: 'attr'; obj: Node; name: string }
  | { t: 'index'; obj: Node; index: Node }
  | { t: 'unary'; op: string; x: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'cmp'; ops: string[]; xs: Node[] }
  | { t: 'bool'; op: 'and' | 'or'; a: Node; b: Node }
  | { t: 'if'; cond: Node; a: Node; b: Node }
  | { t: 'lambda'; params: string[]; body: Node };

const TOKEN = /\s*(?:(\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_]\w*)|(\*\*|\/\/|==|!=|<=|>=|[()[\],:=+\-*/%<>.]))/y;
const KEYWORDS = new Set(['True', 'False', 'None', 'lambda', 'if', 'else', 'and', 'or', 'not']);

interface Tok {
  k: 'num' | 'str' | 'name' | 'kw' | 'op' | 'end';
  s: string;
  at: number;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(src);
    if (!m) throw new SyntaxError(`unexpected character at ${at}: ${src.slice(at, at + 10)}`);
    const pos = TOKEN.lastIndex - (m[1] ?? m[2] ?? m[3] ?? m[4]!).length;
    if (m[1]) out.push({ k: 'num', s: m[1], at: pos });
    else if (m[2]) out.push({ k: 'str', s: m[2], at: pos });
    else if (m[3]) out.push({ k: KEYWORDS.has(m[3]) ? 'kw' : 'name', s: m[3], at: pos });
    else out.push({ k: 'op', s: m[4]!, at: pos });
    at = TOKEN.lastIndex;
  }
  out.push({ k: 'end', s: '', at: src.length });
  return out;
}

const unquote = (s: string): string =>
  s.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);

/** Parses one Python expression. */
export function parse(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Tok => toks[i]!;
  const is = (s: string): boolean => (peek().k === 'op' || peek().k === 'kw') && peek().s === s;
  const fail = (what: string): never => {
    throw new SyntaxError(`expected ${what} at ${peek().at} in ${JSON.stringify(src)}, got ${JSON.stringify(peek().s || 'end')}`);
  };
  const eat = (s: string): void => {
    if (!is(s)) fail(`"${s}"`);
    i++;
  };
  const name = (): string => (peek().k === 'name' ? toks[i++]!.s : fail('a name'));

  function expr(): Node {
    if (is('lambda')) {
      i++;
      const params: string[] = [];
      while (!is(':')) {
        params.push(name());
        if (!is(':')) eat(',');
      }
      eat(':');
      return { t: 'lambda', params, body: expr() };
    }
    const a = orExpr();
    if (!is('if')) return a;
    i++;
    const cond = orExpr();
    eat('else');
    return { t: 'if', cond, a, b: expr() };
  }
  function orExpr(): Node {
    let a = andExpr();
    while (is('or')) (i++, (a = { t: 'bool', op: 'or', a, b: andExpr() }));
    return a;
  }
  function andExpr(): Node {
    let a = notExpr();
    while (is('and')) (i++, (a = { t: 'bool', op: 'and', a, b: notExpr() }));
    return a;
  }
  function notExpr(): Node {
    if (is('not')) return (i++, { t: 'unary', op: 'not', x: notExpr() });
    const xs = [arith()];
    const ops: string[] = [];
    while (['<', '>', '<=', '>=', '==', '!='].some(is)) {
      ops.push(toks[i++]!.s);
      xs.push(arith());
    }
    return ops.length ? { t: 'cmp', ops, xs } : xs[0]!;
  }
  function binary(next: () => Node, ops: string[]): () => Node {
    return () => {
      let a = next();
      while (ops.some(is)) {
        const op = toks[i++]!.s;
        a = { t: 'bin', op, a, b: next() };
      }
      return a;
    };
  }
  function factor(): Node {
    if (is('-') || is('+')) {
      const op = toks[i++]!.s;
      return { t: 'unary', op, x: factor() };
    }
    const base = postfix();
    if (!is('**')) return base;
    i++;
    return { t: 'bin', op: '**', a: base, b: factor() };
  }
  const term = binary(factor, ['*', '/', '//', '%']);
  const arith = binary(term, ['+', '-']);

  function sequence(close: string): { items: Node[]; comma: boolean } {
    const items: Node[] = [];
    let comma = false;
    while (!is(close)) {
      items.push(expr());
      if (is(close)) break;
      eat(',');
      comma = true;
    }
    eat(close);
    return { items, comma };
  }
  function postfix(): Node {
    let x = atom();
    for (;;) {
      if (is('.')) (i++, (x = { t: 'attr', obj: x, name: name() }));
      else if (is('[')) {
        i++;
        const index = expr();
        eat(']');
        x = { t: 'index', obj: x, index };
      } else if (is('(')) {
        i++;
        const args: Node[] = [];
        const kwargs: Array<[string, Node]> = [];
        while (!is(')')) {
          if (peek().k === 'name' && toks[i + 1]!.s === '=' && toks[i + 1]!.k === 'op') {
            const k = name();
            i++;
            kwargs.push([k, expr()]);
          } else {
            if (kwargs.length) fail('a keyword argument (positional after keyword)');
            args.push(expr());
          }
          if (!is(')')) eat(',');
        }
        eat(')');
        x = { t: 'call', fn: x, args, kwargs };
      } else return x;
    }
  }
  function atom(): Node {
    const tok = peek();
    if (tok.k === 'num') return (i++, { t: 'lit', v: Number(tok.s.replace(/_/g, '')) });
    if (tok.k === 'str') {
      let s = '';
      while (peek().k === 'str') s += unquote(toks[i++]!.s);
      return { t: 'lit', v: s };
    }
    if (tok.k === 'kw' && ['True', 'False', 'None'].includes(tok.s)) {
      i++;
      return { t: 'lit', v: tok.s === 'None' ? null : tok.s === 'True' };
    }
    if (tok.k === 'name') return (i++, { t: 'name', id: tok.s });
    if (is('[')) return (i++, { t: 'list', items: sequence(']').items });
    if (is('(')) {
      i++;
      const { items, comma } = sequence(')');
      return items.length === 1 && !comma ? items[0]! : { t: 'tuple', items };
    }
    return fail('an expression');
  }

  const node = expr();
  if (peek().k !== 'end') fail('the end');
  return node;
}

const num = (v: Value, what: string): number => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number') throw new TypeError(`${what}: expected a number, got ${JSON.stringify(v)}`);
  return v;
};

function arithmetic(op: string, a: Value, b: Value): Value {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (op === '*' && Array.isArray(a)) return Array.from({ length: num(b, '*') }, () => a).flat(1);
  const x = num(a, op);
  const y = num(b, op);
  if ((op === '/' || op === '//' || op === '%') && y === 0) throw new RangeError(`division by zero in ${x} ${op} ${y}`);
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '//': return Math.floor(x / y);
    case '%': return ((x % y) + y) % y;
    case '**': return x ** y;
  }
  throw new SyntaxError(`unknown operator ${op}`);
}

function compare(op: string, a: Value, b: Value): boolean {
  if (op === '==') return a === b || (typeof a !== 'object' && typeof b !== 'object' && Number(a) === Number(b) && typeof a !== 'string');
  if (op === '!=') return !compare('==', a, b);
  const x = num(a, op);
  const y = num(b, op);
  return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
}

const truthy = (v: Value): boolean => (Array.isArray(v) ? v.length > 0 : Boolean(v));

/** Evaluates a parsed expression; `scope` maps names to values. */
export function evaluate(node: Node, scope: ReadonlyMap<string, Value>): Value {
  const ev = (n: Node): Value => evaluate(n, scope);
  switch (node.t) {
    case 'lit': return node.v;
    case 'name':
      if (!scope.has(node.id)) throw new ReferenceError(`name '${node.id}' is not defined`);
      return scope.get(node.id)!;
    case 'list':
    case 'tuple': return node.items.map(ev);
    case 'attr': {
      const o = ev(node.obj) as Record<string, Value>;
      if (o === null || typeof o !== 'object' || !(node.name in o)) throw new ReferenceError(`no attribute '${node.name}'`);
      return o[node.name]!;
    }
    case 'index': {
      const o = ev(node.obj);
      const k = num(ev(node.index), 'index');
      if (!Array.isArray(o)) throw new TypeError('only lists and tuples can be indexed');
      const v = o[k < 0 ? o.length + k : k];
      if (v === undefined) throw new RangeError(`index ${k} out of range`);
      return v;
    }
    case 'call': {
      const fn = ev(node.fn);
      const args = node.args.map(ev);
      const kwargs = node.kwargs.map(([k, v]) => [k, ev(v)] as [string, Value]);
      if (typeof fn === 'function') {
        if (kwargs.length) throw new TypeError('keyword arguments are only supported for constructors');
        return (fn as PyFunction)(...args);
      }
      if (fn && typeof fn === 'object' && (fn as Callable).kind === 'callable') return (fn as Callable).call(args, kwargs);
      throw new TypeError('object is not callable');
    }
    case 'unary': {
      const x = ev(node.x);
      if (node.op === 'not') return !truthy(x);
      return node.op === '-' ? -num(x, '-') : num(x, '+');
    }
    case 'bin': return arithmetic(node.op, ev(node.a), ev(node.b));
    case 'cmp': {
      let a = ev(node.xs[0]!);
      for (const [k, op] of node.ops.entries()) {
        const b = ev(node.xs[k + 1]!);
        if (!compare(op, a, b)) return false;
        a = b;
      }
      return true;
    }
    case 'bool': {
      const a = ev(node.a);
      return node.op === 'and' ? (truthy(a) ? ev(node.b) : a) : truthy(a) ? a : ev(node.b);
    }
    case 'if': return truthy(ev(node.cond)) ? ev(node.a) : ev(node.b);
    case 'lambda':
      return ((...args: Value[]) => {
        if (args.length !== node.params.length) throw new TypeError(`lambda takes ${node.params.length} arguments, got ${args.length}`);
        const inner = new Map(scope);
        node.params.forEach((p, k) => inner.set(p, args[k]!));
        return evaluate(node.body, inner);
      }) as PyFunction;
  }
}

const toFloat = (v: Value): number => {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (s === 'nan') return NaN;
    const x = Number(s);
    if (s === '' || Number.isNaN(x)) throw new TypeError(`could not convert string to float: '${v}'`);
    return x;
  }
  return num(v, 'float');
};

/** Python builtins and the `math` module, as far as schedule lambdas use them. */
export const BUILTINS: ReadonlyMap<string, Value> = new Map<string, Value>([
  ['min', ((...a: Value[]) => Math.min(...(a.length === 1 ? (a[0] as Value[]) : a).map((v) => num(v, 'min')))) as PyFunction],
  ['max', ((...a: Value[]) => Math.max(...(a.length === 1 ? (a[0] as Value[]) : a).map((v) => num(v, 'max')))) as PyFunction],
  ['abs', ((x: Value) => Math.abs(num(x, 'abs'))) as PyFunction],
  ['float', ((x: Value) => toFloat(x)) as PyFunction],
  ['int', ((x: Value) => Math.trunc(typeof x === 'string' ? toFloat(x) : num(x, 'int'))) as PyFunction],
  ['round', ((v: Value) => {
    const x = num(v, 'round');
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; // half to even, as Python
  }) as PyFunction],
  ['pow', ((x: Value, y: Value) => num(x, 'pow') ** num(y, 'pow')) as PyFunction],
  [
    'math',
    {
      pi: Math.PI,
      e: Math.E,
      tau: 2 * Math.PI,
      inf: Infinity,
      nan: NaN,
      cos: (x: Value) => Math.cos(num(x, 'cos')),
      sin: (x: Value) => Math.sin(num(x, 'sin')),
      tan: (x: Value) => Math.tan(num(x, 'tan')),
      tanh: (x: Value) => Math.tanh(num(x, 'tanh')),
      exp: (x: Value) => Math.exp(num(x, 'exp')),
      sqrt: (x: Value) => Math.sqrt(num(x, 'sqrt')),
      log: (x: Value, b?: Value) => (b === undefined ? Math.log(num(x, 'log')) : Math.log(num(x, 'log')) / Math.log(num(b, 'log'))),
      log2: (x: Value) => Math.log2(num(x, 'log2')),
      log10: (x: Value) => Math.log10(num(x, 'log10')),
      floor: (x: Value) => Math.floor(num(x, 'floor')),
      ceil: (x: Value) => Math.ceil(num(x, 'ceil')),
      pow: (x: Value, y: Value) => num(x, 'pow') ** num(y, 'pow'),
      fabs: (x: Value) => Math.abs(num(x, 'fabs')),
    },
  ],
]);
