/**
 * The strong-Wolfe line search of {@link LBFGS} (`_strong_wolfe` and `_cubic_interpolate` of
 * torch/optim/lbfgs.py, themselves ported from minFunc / torch7's lswolfe.lua), statement for
 * statement.
 *
 * torch mixes Python floats (float64) and 0-dimensional float32 tensors in this code: the losses
 * are floats, the directional derivatives (`g.dot(d)`) are tensors, and a step `t` is a float or
 * a tensor depending on where it came from. An operation with a tensor operand rounds the float
 * operand to float32 and its result to float32; `float / tensor` is `tensor.reciprocal() * float`
 * (torch's `__rtruediv__`); a comparison with a tensor compares in float32. {@link Num} carries
 * that distinction so the arithmetic here rounds where torch's does.
 */

const f = Math.fround;

/** A torch scalar: a Python float (`tensor` false, float64) or a 0-dim float32 tensor. */
export interface Num {
  readonly v: number;
  readonly tensor: boolean;
}

/** A Python float. */
export const float = (v: number): Num => ({ v, tensor: false });
/** A 0-dim float32 tensor holding `v` rounded to float32. */
export const tensor = (v: number): Num => ({ v: f(v), tensor: true });

type Op = (x: number, y: number) => number;
const bin = (a: Num, b: Num, op: Op): Num => (a.tensor || b.tensor ? tensor(op(f(a.v), f(b.v))) : float(op(a.v, b.v)));
export const add = (a: Num, b: Num): Num => bin(a, b, (x, y) => x + y);
export const sub = (a: Num, b: Num): Num => bin(a, b, (x, y) => x - y);
export const mul = (a: Num, b: Num): Num => bin(a, b, (x, y) => x * y);
/** a / b; a float over a tensor is the tensor's reciprocal times the float, as torch computes it. */
export const div = (a: Num, b: Num): Num => (b.tensor && !a.tensor ? tensor(f(1 / b.v) * f(a.v)) : bin(a, b, (x, y) => x / y));
export const abs = (a: Num): Num => ({ v: Math.abs(a.v), tensor: a.tensor });
/** The operands as compared: in float32 when either is a tensor. */
const pair = (a: Num, b: Num): [number, number] => (a.tensor || b.tensor ? [f(a.v), f(b.v)] : [a.v, b.v]);
export const lt = (a: Num, b: Num): boolean => { const [x, y] = pair(a, b); return x < y; };
export const le = (a: Num, b: Num): boolean => { const [x, y] = pair(a, b); return x <= y; };
export const gt = (a: Num, b: Num): boolean => lt(b, a);
export const ge = (a: Num, b: Num): boolean => le(b, a);
/** Python's `max(a, b)`: b if b > a, else a (the object itself, float or tensor). */
const pyMax = (a: Num, b: Num): Num => (gt(b, a) ? b : a);
/** Python's `min(a, b)`: b if b < a, else a. */
const pyMin = (a: Num, b: Num): Num => (lt(b, a) ? b : a);

const ZERO = float(0);

/** `_cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds)`: the minimiser of the cubic through two points with their slopes, clamped to the bounds. */
export function cubicInterpolate(x1: Num, f1: number, g1: Num, x2: Num, f2: number, g2: Num, bounds?: readonly [Num, Num]): Num {
  const [xmin, xmax] = bounds ?? (le(x1, x2) ? [x1, x2] : [x2, x1]);
  // d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
  const d1 = sub(add(g1, g2), div(float(3 * (f1 - f2)), sub(x1, x2)));
  // d2_square = d1**2 - g1 * g2
  const d2sq = sub(mul(d1, d1), mul(g1, g2));
  if (ge(d2sq, ZERO)) {
    const d2 = tensor(Math.sqrt(d2sq.v));
    const two = mul(float(2), d2);
    const minPos = le(x1, x2)
      ? sub(x2, mul(sub(x2, x1), div(sub(add(g2, d2), d1), add(sub(g2, g1), two))))
      : sub(x1, mul(sub(x1, x2), div(sub(add(g1, d2), d1), add(sub(g1, g2), two))));
    return pyMin(pyMax(minPos, xmin), xmax);
  }
  return div(add(xmin, xmax), float(2));
}

/** A gradient held by the line search: -1 is the gradient at the start (x), 0…2 a slot. */
export type GradRef = number;

/** What the line search asks of the optimizer. */
export interface LineSearchHost {
  /**
   * `obj_func(x, t, d)`: the loss and the gradient at x + t·d (the gradient copied into slot
   * `slot`), the parameters put back to x afterwards; returns the loss and g_new·d.
   */
  evaluate(t: Num, slot: number): { loss: number; gtd: Num };
  /** max |d| (`d.abs().max()`), a float32 tensor. */
  readonly dNorm: Num;
}

/** What `_strong_wolfe` returns: the accepted point's loss, gradient and step, and the evaluations made. */
export interface LineSearchResult {
  loss: number;
  grad: GradRef;
  t: Num;
  evals: number;
}

const C1 = 1e-4, C2 = 0.9, TOLERANCE_CHANGE = 1e-9, MAX_LS = 25;

/** A slot that none of `live` holds. */
function freeSlot(live: readonly GradRef[]): number {
  for (let k = 0; k < 3; k++) if (!live.includes(k)) return k;
  throw new Error('LBFGS line search: no free gradient slot'); // three slots always suffice
}

/**
 * `_strong_wolfe(obj_func, x, t, d, f, g, gtd)` with torch's defaults, which LBFGS.step does not
 * override: c1 1e-4, c2 0.9, tolerance_change 1e-9 (not the group's), max_ls 25.
 */
export function strongWolfe(host: LineSearchHost, t0: Num, fx: number, gtd: Num): LineSearchResult {
  let t = t0;
  const dNorm = host.dNorm;
  let gNew: GradRef = freeSlot([]);
  let { loss: fNew, gtd: gtdNew } = host.evaluate(t, gNew);
  let evals = 1;
  // Armijo: f_new > f + c1 * t * gtd
  const armijoFails = (fn: number, step: Num): boolean => gt(float(fn), add(float(fx), mul(mul(float(C1), step), gtd)));
  // |gtd_new| <= -c2 * gtd
  const curvatureHolds = (g: Num): boolean => le(abs(g), mul(float(-C2), gtd));

  let tPrev: Num = ZERO, fPrev = fx, gPrev: GradRef = -1, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Num[] = [], bracketF: number[] = [], bracketG: GradRef[] = [], bracketGtd: Num[] = [];
  while (lsIter < MAX_LS) {
    if (armijoFails(fNew, t) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (curvatureHolds(gtdNew)) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (ge(gtdNew, ZERO)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // interpolate
    const minStep = add(t, mul(float(0.01), sub(t, tPrev)));
    const maxStep = mul(t, float(10));
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    // next step
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    gNew = freeSlot([gPrev]);
    ({ loss: fNew, gtd: gtdNew } = host.evaluate(t, gNew));
    evals++;
    lsIter++;
  }
  // reached max number of iterations?
  if (lsIter === MAX_LS) [bracket, bracketF, bracketG] = [[ZERO, t], [fx, fNew], [-1, gNew]];

  // zoom phase
  let insufProgress = false;
  let [low, high] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < MAX_LS) {
    // line-search bracket is so small
    if (lt(mul(abs(sub(bracket[1]!, bracket[0]!)), dNorm), float(TOLERANCE_CHANGE))) break;
    // compute new trial value
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // test that we are making sufficient progress
    const bMax = pyMax(bracket[0]!, bracket[1]!), bMin = pyMin(bracket[0]!, bracket[1]!);
    const eps = mul(float(0.1), sub(bMax, bMin));
    if (lt(pyMin(sub(bMax, t), sub(t, bMin)), eps)) {
      // interpolation close to boundary
      if (insufProgress || ge(t, bMax) || le(t, bMin)) {
        // evaluate at 0.1 away from boundary
        t = lt(abs(sub(t, bMax)), abs(sub(t, bMin))) ? sub(bMax, eps) : add(bMin, eps);
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;

    // Evaluate new point
    gNew = freeSlot(bracketG);
    ({ loss: fNew, gtd: gtdNew } = host.evaluate(t, gNew));
    evals++;
    lsIter++;

    if (armijoFails(fNew, t) || fNew >= bracketF[low]!) {
      // Armijo condition not satisfied or not lower than lowest point
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = gNew;
      bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(gtdNew)) done = true;
      else if (ge(mul(gtdNew, sub(bracket[high]!, bracket[low]!)), ZERO)) {
        // old high becomes new low
        bracket[high] = bracket[low]!;
        bracketF[high] = bracketF[low]!;
        bracketG[high] = bracketG[low]!;
        bracketGtd[high] = bracketGtd[low]!;
      }
      // new point becomes new low
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = gNew;
      bracketGtd[low] = gtdNew;
    }
  }
  return { loss: bracketF[low]!, grad: bracketG[low]!, t: bracket[low]!, evals };
}
