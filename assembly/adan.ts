// Adan (optax.adan 0.2.8: scale_by_adan → add_decayed_weights → scale_by_learning_rate), one
// pass per element:
//
//   g ← gradSign·g
//   d ← g − g_prev                        (+0 at step 1: keepDiff = 0 masks it there)
//   m ← (1 − β1)·g + β1·m
//   v ← (1 − β2)·d + β2·v
//   s ← g + (1 − β2)·d
//   n ← (1 − β3)·(s·s) + β3·n
//   u ← (m·(1/bc1) + (1 − β2)·(v·(1/bc2))) / (√(n·(1/bc3) + ε_root) + ε) + λ·p
//   p ← p + (−lr)·u
//   g_prev ← g

// @ts-ignore: decorator
@inline function adanOne(
  pp: usize, gp: usize, mp: usize, vp: usize, np: usize, qp: usize,
  gs: f32, keep: bool, w1: f32, b1: f32, w2: f32, b2: f32, w3: f32, b3: f32,
  ib1: f32, ib2: f32, ib3: f32, epsRoot: f32, eps: f32, wd: f32, negLr: f32,
): void {
  const g = load<f32>(gp) * gs;
  const d = select<f32>(g - load<f32>(qp), 0, keep);
  const m = w1 * g + b1 * load<f32>(mp);
  const v = w2 * d + b2 * load<f32>(vp);
  const s = g + w2 * d;
  const n = w3 * (s * s) + b3 * load<f32>(np);
  store<f32>(mp, m);
  store<f32>(vp, v);
  store<f32>(np, n);
  store<f32>(qp, g);
  const p = load<f32>(pp);
  const u = (m * ib1 + w2 * (v * ib2)) / (Mathf.sqrt(n * ib3 + epsRoot) + eps) + wd * p;
  store<f32>(pp, p + negLr * u);
}

export function adan_f32(
  param: usize, grad: usize, expAvg: usize, expAvgDiff: usize, expAvgSq: usize, prevGrad: usize, n: i32, params: usize,
): void {
  const gs = load<f32>(params), keep = load<f32>(params, 4) != 0;
  const w1 = load<f32>(params, 8), b1 = load<f32>(params, 12), w2 = load<f32>(params, 16);
  const b2 = load<f32>(params, 20), w3 = load<f32>(params, 24), b3 = load<f32>(params, 28);
  const ib1 = load<f32>(params, 32), ib2 = load<f32>(params, 36), ib3 = load<f32>(params, 40);
  const epsRoot = load<f32>(params, 44), eps = load<f32>(params, 48), wd = load<f32>(params, 52);
  const negLr = load<f32>(params, 56);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vkeep = i32x4.splat(keep ? -1 : 0);
    const vw1 = f32x4.splat(w1), vb1 = f32x4.splat(b1), vw2 = f32x4.splat(w2), vb2 = f32x4.splat(b2);
    const vw3 = f32x4.splat(w3), vb3 = f32x4.splat(b3), vib1 = f32x4.splat(ib1), vib2 = f32x4.splat(ib2);
    const vib3 = f32x4.splat(ib3), vroot = f32x4.splat(epsRoot), veps = f32x4.splat(eps);
    const vwd = f32x4.splat(wd), vlr = f32x4.splat(negLr);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(v128.load(grad + o), vgs);
      const d = v128.and(f32x4.sub(g, v128.load(prevGrad + o)), vkeep);
      const m = f32x4.add(f32x4.mul(vw1, g), f32x4.mul(vb1, v128.load(expAvg + o)));
      const v = f32x4.add(f32x4.mul(vw2, d), f32x4.mul(vb2, v128.load(expAvgDiff + o)));
      const s = f32x4.add(g, f32x4.mul(vw2, d));
      const q = f32x4.add(f32x4.mul(vw3, f32x4.mul(s, s)), f32x4.mul(vb3, v128.load(expAvgSq + o)));
      v128.store(expAvg + o, m);
      v128.store(expAvgDiff + o, v);
      v128.store(expAvgSq + o, q);
      v128.store(prevGrad + o, g);
      const p = v128.load(param + o);
      const num = f32x4.add(f32x4.mul(m, vib1), f32x4.mul(vw2, f32x4.mul(v, vib2)));
      const den = f32x4.add(f32x4.sqrt(f32x4.add(f32x4.mul(q, vib3), vroot)), veps);
      const u = f32x4.add(f32x4.div(num, den), f32x4.mul(vwd, p));
      v128.store(param + o, f32x4.add(p, f32x4.mul(vlr, u)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    adanOne(
      param + o, grad + o, expAvg + o, expAvgDiff + o, expAvgSq + o, prevGrad + o,
      gs, keep, w1, b1, w2, b2, w3, b3, ib1, ib2, ib3, epsRoot, eps, wd, negLr,
    );
  }
}
