// Adamax (torch.optim.Adamax, single-tensor semantics).
//
//   g ← gradSign·g + l2·p
//   m ← lerp(m, g, 1 − β1)               (state `exp_avg`, torch's lerp, see below)
//   u ← max(β2·u, |g| + ε)               (state `exp_inf`)
//   p ← p + (−lr/(1 − β1^t))·m / u       (step size computed by the caller)
//
// torch's lerp(x, y, w) is x + w·(y − x) when |w| < 0.5 and y + (w − 1)·(y − x) otherwise; the
// choice depends on w only, so it is made once per call, outside the loops.
//
// The max is taken as `b < a ? a : b` with b = |g| + ε (f32x4.pmax, one instruction, where
// f32x4.max needs a NaN-fixing sequence): a NaN gradient still gives a NaN u, as torch.maximum;
// it differs from torch only when u is already NaN and g is not, and by then m, and so p, are
// NaN too. The main loop is unrolled ×2 (measured: the division's latency overlaps).

// @ts-ignore: decorator
import { lerpCoefficient, lerpIsSmall, lerpOne, lerpVec } from './lerp';

@inline function adamaxOne(
  pp: usize, gp: usize, mp: usize, up: usize,
  gs: f32, wd: f32, c: f32, small: bool, b2: f32, negClr: f32, eps: f32,
): void {
  const p = load<f32>(pp);
  const g = load<f32>(gp) * gs + wd * p;
  const m0 = load<f32>(mp);
  const m = lerpOne(m0, g, c, small);
  const a = load<f32>(up) * b2;
  const b = Mathf.abs(g) + eps;
  const u = select<f32>(a, b, b < a);
  store<f32>(mp, m);
  store<f32>(up, u);
  store<f32>(pp, p + (negClr * m) / u);
}

// @ts-ignore: decorator
@inline function adamaxVec(
  param: usize, grad: usize, expAvg: usize, expInf: usize, o: usize,
  vgs: v128, vwd: v128, vc: v128, vb2: v128, vclr: v128, veps: v128, small: bool,
): void {
  const p = v128.load(param + o);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
  const m0 = v128.load(expAvg + o);
  const m = lerpVec(m0, g, vc, small);
  const u = f32x4.pmax(f32x4.add(f32x4.abs(g), veps), f32x4.mul(v128.load(expInf + o), vb2));
  v128.store(expAvg + o, m);
  v128.store(expInf + o, u);
  v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vclr, m), u)));
}

/** The vector part; returns how many elements it did. `small` is a constant at each call. */
// @ts-ignore: decorator
@inline function adamaxVectors(
  param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32,
  gs: f32, wd: f32, c: f32, b2: f32, negClr: f32, eps: f32, small: bool,
): i32 {
  const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vc = f32x4.splat(c);
  const vb2 = f32x4.splat(b2), vclr = f32x4.splat(negClr), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    adamaxVec(param, grad, expAvg, expInf, o, vgs, vwd, vc, vb2, vclr, veps, small);
    adamaxVec(param, grad, expAvg, expInf, o + 16, vgs, vwd, vc, vb2, vclr, veps, small);
  }
  for (; i + 4 <= n; i += 4) adamaxVec(param, grad, expAvg, expInf, <usize>i << 2, vgs, vwd, vc, vb2, vclr, veps, small);
  return i;
}

export function adamax_f32(param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), w1 = load<f32>(params, 8);
  const b2 = load<f32>(params, 12), negClr = load<f32>(params, 16), eps = load<f32>(params, 20);
  const small = lerpIsSmall(w1);
  const c = lerpCoefficient(w1, small);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    i = small
      ? adamaxVectors(param, grad, expAvg, expInf, n, gs, wd, c, b2, negClr, eps, true)
      : adamaxVectors(param, grad, expAvg, expInf, n, gs, wd, c, b2, negClr, eps, false);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    adamaxOne(param + o, grad + o, expAvg + o, expInf + o, gs, wd, c, small, b2, negClr, eps);
  }
}

