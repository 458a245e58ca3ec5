// AdaBelief (optax.adabelief: scale_by_belief → scale_by_learning_rate).
//
//   g ← gradSign·g
//   m ← (1 − β1)·g + β1·m
//   s ← ((1 − β2)·((g − m)·(g − m)) + β2·s) + ε_root       (g − m uses the NEW m, as optax)
//   p ← p + (−lr/bc1)·m / (√s·(1/√bc2) + ε)
//
// bc1 = 1 − β1ᵗ and bc2 = 1 − β2ᵗ are computed once per step by the caller (in float32, as optax).

// @ts-ignore: decorator
@inline function beliefOne(
  pp: usize, gp: usize, mp: usize, sp: usize,
  gs: f32, w1: f32, b1: f32, w2: f32, b2: f32, epsRoot: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  const g = load<f32>(gp) * gs;
  const m = w1 * g + b1 * load<f32>(mp);
  const e = g - m;
  const s = (w2 * (e * e) + b2 * load<f32>(sp)) + epsRoot;
  store<f32>(mp, m);
  store<f32>(sp, s);
  const p = load<f32>(pp);
  store<f32>(pp, p + (negStep * m) / (Mathf.sqrt(s) * invBc2s + eps));
}

export function adabelief_f32(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), w1 = load<f32>(params, 4), b1 = load<f32>(params, 8);
  const w2 = load<f32>(params, 12), b2 = load<f32>(params, 16), epsRoot = load<f32>(params, 20);
  const negStep = load<f32>(params, 24), invBc2s = load<f32>(params, 28), eps = load<f32>(params, 32);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vw1 = f32x4.splat(w1), vb1 = f32x4.splat(b1), vw2 = f32x4.splat(w2);
    const vb2 = f32x4.splat(b2), vroot = f32x4.splat(epsRoot), vstep = f32x4.splat(negStep);
    const vinv = f32x4.splat(invBc2s), veps = f32x4.splat(eps);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(v128.load(grad + o), vgs);
      const m = f32x4.add(f32x4.mul(vw1, g), f32x4.mul(vb1, v128.load(expAvg + o)));
      const e = f32x4.sub(g, m);
      const s = f32x4.add(f32x4.add(f32x4.mul(vw2, f32x4.mul(e, e)), f32x4.mul(vb2, v128.load(expAvgSq + o))), vroot);
      v128.store(expAvg + o, m);
      v128.store(expAvgSq + o, s);
      const den = f32x4.add(f32x4.mul(f32x4.sqrt(s), vinv), veps);
      const p = v128.load(param + o);
      v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vstep, m), den)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    beliefOne(param + o, grad + o, expAvg + o, expAvgSq + o, gs, w1, b1, w2, b2, epsRoot, negStep, invBc2s, eps);
  }
}

