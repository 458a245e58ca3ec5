// Yogi (optax.yogi: scale_by_yogi → scale_by_learning_rate).
//
//   g ← gradSign·g
//   m ← (1 − β1)·g + β1·m                       (state `exp_avg`)
//   c ← (1 − β2)·sign(v − g·g)                  (+(1 − β2), −(1 − β2) or 0; 0 also for NaN)
//   v ← v − c·(g·g)                             (state `exp_avg_sq`)
//   p ← p + (negStep·m) / (√(v·invBc2) + ε)
//
// with negStep = −lr/(1 − β1ᵗ) and invBc2 = 1/(1 − β2ᵗ) computed once per step by the caller.
// The sign is two comparisons, branch-free in the SIMD loop: c is (1 − β2) where v − g² > 0,
// −(1 − β2) where it is < 0, and 0 where it is 0 or NaN (where it is NaN, v − 0·g² is NaN as
// optax's v − (1 − β2)·NaN·g² is).

// @ts-ignore: decorator
@inline function yogiOne(
  pp: usize, gp: usize, mp: usize, vp: usize,
  gs: f32, w1: f32, b1: f32, w2: f32, negStep: f32, invBc2: f32, eps: f32,
): void {
  const g = load<f32>(gp) * gs;
  const m = w1 * g + b1 * load<f32>(mp);
  const g2 = g * g;
  const v0 = load<f32>(vp);
  const d = v0 - g2;
  const c: f32 = d > 0 ? w2 : d < 0 ? -w2 : 0;
  const v = v0 - c * g2;
  store<f32>(mp, m);
  store<f32>(vp, v);
  store<f32>(pp, load<f32>(pp) + (negStep * m) / (Mathf.sqrt(v * invBc2) + eps));
}

// One vector of 4 elements: the same operations, in the same order, as yogiOne.
// @ts-ignore: decorator
@inline function yogiVec(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, o: usize,
  vgs: v128, vw1: v128, vb1: v128, vw2: v128, vnw2: v128, vstep: v128, vinv: v128, veps: v128, zero: v128,
): void {
  const g = f32x4.mul(v128.load(grad + o), vgs);
  const m = f32x4.add(f32x4.mul(vw1, g), f32x4.mul(vb1, v128.load(expAvg + o)));
  const g2 = f32x4.mul(g, g);
  const v0 = v128.load(expAvgSq + o);
  const d = f32x4.sub(v0, g2);
  const c = v128.or(v128.and(f32x4.gt(d, zero), vw2), v128.and(f32x4.lt(d, zero), vnw2));
  const v = f32x4.sub(v0, f32x4.mul(c, g2));
  v128.store(expAvg + o, m);
  v128.store(expAvgSq + o, v);
  const u = f32x4.div(f32x4.mul(vstep, m), f32x4.add(f32x4.sqrt(f32x4.mul(v, vinv)), veps));
  v128.store(param + o, f32x4.add(v128.load(param + o), u));
}

export function yogi_f32(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), w1 = load<f32>(params, 4), b1 = load<f32>(params, 8);
  const w2 = load<f32>(params, 12), negStep = load<f32>(params, 16), invBc2 = load<f32>(params, 20);
  const eps = load<f32>(params, 24);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vw1 = f32x4.splat(w1), vb1 = f32x4.splat(b1);
    const vw2 = f32x4.splat(w2), vnw2 = f32x4.splat(-w2), vstep = f32x4.splat(negStep);
    const vinv = f32x4.splat(invBc2), veps = f32x4.splat(eps), zero = f32x4.splat(0);
    // Two vectors per iteration: the two sqrt/div chains overlap.
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      yogiVec(param, grad, expAvg, expAvgSq, o, vgs, vw1, vb1, vw2, vnw2, vstep, vinv, veps, zero);
      yogiVec(param, grad, expAvg, expAvgSq, o + 16, vgs, vw1, vb1, vw2, vnw2, vstep, vinv, veps, zero);
    }
    for (; i + 4 <= n; i += 4) {
      yogiVec(param, grad, expAvg, expAvgSq, <usize>i << 2, vgs, vw1, vb1, vw2, vnw2, vstep, vinv, veps, zero);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    yogiOne(param + o, grad + o, expAvg + o, expAvgSq + o, gs, w1, b1, w2, negStep, invBc2, eps);
  }
}
