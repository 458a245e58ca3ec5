/**
 * torch.optim.LBFGS (torch/optim/lbfgs.py, `step`, `_strong_wolfe`, `_cubic_interpolate`) ported
 * a second time, plainly, in float64 over number arrays: no kernels, no float32, no ring buffer.
 * The float32 optimizer should track it closely; a misreading of torch shared by both would
 * have to be made twice in two different shapes.
 */

/** A loss and its gradient at x (float64). */
export type Objective = (x: readonly number[]) => [number, number[]];

/** Rosenbrock's function, (1 − x)² + 100(y − x²)² (torch test_optim's `rosenbrock`). */
export const rosenbrock: Objective = ([x, y]) => [
  (1 - x!) ** 2 + 100 * (y! - x! ** 2) ** 2,
  [-2 * (1 - x!) - 400 * x! * (y! - x! ** 2), 200 * (y! - x! ** 2)],
];

/** Σ (i % 4 + 1)/2 · (xᵢ − cᵢ)² + 0.1 Σ xᵢxᵢ₊₁ + 0.05 Σ xᵢ⁴ with cᵢ = sin(i): smooth, convex, unequal curvatures. */
export const smoothQuartic: Objective = (x) => {
  const n = x.length;
  let f = 0;
  const g = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const a = ((i % 4) + 1) / 2, c = Math.sin(i), v = x[i]!;
    f += a * (v - c) ** 2 + 0.05 * v ** 4;
    g[i]! += 2 * a * (v - c) + 0.2 * v ** 3;
    if (i + 1 < n) {
      f += 0.1 * v * x[i + 1]!;
      g[i]! += 0.1 * x[i + 1]!;
      g[i + 1]! += 0.1 * v;
    }
  }
  return [f, g];
};

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const maxAbs = (a: readonly number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function cubic(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const p = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(p, lo), hi);
  }
  return (lo + hi) / 2;
}

function strongWolfe(obj: (t: number) => [number, number[]], d: number[], t: number, f: number, g: number[], gtd: number) {
  const c1 = 1e-4, c2 = 0.9, tol = 1e-9, maxLs = 25;
  const dNorm = maxAbs(d);
  let [fNew, gNew] = obj(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false, it = 0;
  let br: number[] = [], bf: number[] = [], bg: number[][] = [], bd: number[] = [];
  while (it < maxLs) {
    if (fNew > f + c1 * t * gtd || (it > 1 && fNew >= fPrev)) {
      [br, bf, bg, bd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [br, bf, bg, done] = [[t], [fNew], [gNew], true];
      break;
    }
    if (gtdNew >= 0) {
      [br, bf, bg, bd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const tmp = t;
    t = cubic(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [t + 0.01 * (t - tPrev), t * 10]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    [fNew, gNew] = obj(t);
    evals++;
    gtdNew = dot(gNew, d);
    it++;
  }
  if (it === maxLs) [br, bf, bg] = [[0, t], [f, fNew], [g, gNew]];
  let insuf = false;
  let [lo, hi] = bf[0]! <= bf[bf.length - 1]! ? [0, 1] : [1, 0];
  while (!done && it < maxLs) {
    if (Math.abs(br[1]! - br[0]!) * dNorm < tol) break;
    t = cubic(br[0]!, bf[0]!, bd[0]!, br[1]!, bf[1]!, bd[1]!);
    const bMax = Math.max(br[0]!, br[1]!), bMin = Math.min(br[0]!, br[1]!);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insuf || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insuf = false;
      } else insuf = true;
    } else insuf = false;
    [fNew, gNew] = obj(t);
    evals++;
    gtdNew = dot(gNew, d);
    it++;
    if (fNew > f + c1 * t * gtd || fNew >= bf[lo]!) {
      [br[hi], bf[hi], bg[hi], bd[hi]] = [t, fNew, gNew, gtdNew];
      [lo, hi] = bf[0]! <= bf[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (br[hi]! - br[lo]!) >= 0) [br[hi], bf[hi], bg[hi], bd[hi]] = [br[lo]!, bf[lo]!, bg[lo]!, bd[lo]!];
      [br[lo], bf[lo], bg[lo], bd[lo]] = [t, fNew, gNew, gtdNew];
    }
  }
  return { f: bf[lo]!, g: bg[lo]!, t: br[lo]!, evals };
}

export interface Options64 {
  lr?: number;
  maxIter?: number;
  maxEval?: number;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: 'strong_wolfe' | null;
}

/** `steps` calls of LBFGS.step on `fn` from x0: x after each step, and the closure calls. */
export function lbfgs64(x0: number[], fn: Objective, o: Options64, steps: number): { xs: number[][]; calls: number } {
  const lr = o.lr ?? 1, maxIter = o.maxIter ?? 20, maxEval = o.maxEval ?? Math.floor((maxIter * 5) / 4);
  const tolGrad = o.toleranceGrad ?? 1e-7, tolChange = o.toleranceChange ?? 1e-9, H = o.historySize ?? 100;
  let x = [...x0];
  let calls = 0;
  const evalAt = (p: number[]) => (calls++, fn(p));
  let nIterTotal = 0;
  let d: number[] = [], t = 0, prevG: number[] | null = null, hDiag = 1;
  let dirs: number[][] = [], stps: number[][] = [], ro: number[] = [];
  const xs: number[][] = [];
  for (let s = 0; s < steps; s++) {
    let [loss, g] = evalAt(x);
    let current = 1;
    if (maxAbs(g) <= tolGrad) {
      xs.push([...x]);
      continue;
    }
    let n = 0;
    while (n < maxIter) {
      n++;
      nIterTotal++;
      if (nIterTotal === 1) {
        d = g.map((v) => -v);
        [dirs, stps, ro, hDiag] = [[], [], [], 1];
      } else {
        const y = g.map((v, i) => v - prevG![i]!), sv = d.map((v) => v * t);
        const ys = dot(y, sv);
        if (ys > 1e-10) {
          if (dirs.length === H) [dirs, stps, ro] = [dirs.slice(1), stps.slice(1), ro.slice(1)];
          dirs.push(y);
          stps.push(sv);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const al: number[] = [];
        const q = g.map((v) => -v);
        for (let i = dirs.length - 1; i >= 0; i--) {
          al[i] = dot(stps[i]!, q) * ro[i]!;
          for (let j = 0; j < q.length; j++) q[j] = q[j]! - al[i]! * dirs[i]![j]!;
        }
        d = q.map((v) => v * hDiag);
        for (let i = 0; i < dirs.length; i++) {
          const be = dot(dirs[i]!, d) * ro[i]!;
          for (let j = 0; j < d.length; j++) d[j] = d[j]! + (al[i]! - be) * stps[i]![j]!;
        }
      }
      prevG = [...g];
      const prevLoss = loss;
      t = nIterTotal === 1 ? Math.min(1, 1 / g.reduce((a, v) => a + Math.abs(v), 0)) * lr : lr;
      const gtd = dot(g, d);
      if (gtd > -tolChange) break;
      let lsEvals = 0;
      let opt = false;
      if (o.lineSearchFn === 'strong_wolfe') {
        const base = [...x];
        const r = strongWolfe((tt) => evalAt(base.map((v, i) => v + tt * d[i]!)), d, t, loss, g, gtd);
        [loss, g, t, lsEvals] = [r.f, r.g, r.t, r.evals];
        x = x.map((v, i) => v + t * d[i]!);
        opt = maxAbs(g) <= tolGrad;
      } else {
        x = x.map((v, i) => v + t * d[i]!);
        if (n !== maxIter) {
          [loss, g] = evalAt(x);
          opt = maxAbs(g) <= tolGrad;
          lsEvals = 1;
        }
      }
      current += lsEvals;
      if (n === maxIter || current >= maxEval || opt) break;
      if (maxAbs(d) * Math.abs(t) <= tolChange) break;
      if (Math.abs(loss - prevLoss) < tolChange) break;
    }
    xs.push([...x]);
  }
  return { xs, calls };
}
