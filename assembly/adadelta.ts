// Adadelta (torch.optim.Adadelta, single-tensor semantics).
//
//   g ← gradSign·g + l2·p
//   v ← ρ·v + (1 − ρ)·g·g                (state `square_avg`)
//   d ← √(u + ε) / √(v + ε) · g          (u: state `acc_delta`, before its update)
//   u ← ρ·u + (1 − ρ)·d·d
//   p ← p + (−lr)·d
//
// torch's order (two square roots, one division) is kept so results stay within a few ulps of it;
// the vector loop is unrolled ×2 (measured ~8% faster).

// @ts-ignore: decorator
@inline function adadeltaOne(
  pp: usize, gp: usize, vp: usize, up: usize, gs: f32, wd: f32, rho: f32, omr: f32, negLr: f32, eps: f32,
): void {
  const p = load<f32>(pp);
  const g = load<f32>(gp) * gs + wd * p;
  const v = load<f32>(vp) * rho + omr * g * g;
  const u0 = load<f32>(up);
  const d = (Mathf.sqrt(u0 + eps) / Mathf.sqrt(v + eps)) * g;
  store<f32>(vp, v);
  store<f32>(up, u0 * rho + omr * d * d);
  store<f32>(pp, p + negLr * d);
}

// @ts-ignore: decorator
@inline function adadeltaVec(
  param: usize, grad: usize, squareAvg: usize, accDelta: usize, o: usize,
  vgs: v128, vwd: v128, vrho: v128, vomr: v128, vlr: v128, veps: v128,
): void {
  const p = v128.load(param + o);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
  const v = f32x4.add(f32x4.mul(v128.load(squareAvg + o), vrho), f32x4.mul(f32x4.mul(vomr, g), g));
  const u0 = v128.load(accDelta + o);
  const d = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(u0, veps)), f32x4.sqrt(f32x4.add(v, veps))), g);
  v128.store(squareAvg + o, v);
  v128.store(accDelta + o, f32x4.add(f32x4.mul(u0, vrho), f32x4.mul(f32x4.mul(vomr, d), d)));
  v128.store(param + o, f32x4.add(p, f32x4.mul(vlr, d)));
}

export function adadelta_f32(
  param: usize, grad: usize, squareAvg: usize, accDelta: usize, n: i32, params: usize,
): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), rho = load<f32>(params, 8);
  const omr = load<f32>(params, 12), negLr = load<f32>(params, 16), eps = load<f32>(params, 20);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vrho = f32x4.splat(rho), vomr = f32x4.splat(omr);
    const vlr = f32x4.splat(negLr), veps = f32x4.splat(eps);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      adadeltaVec(param, grad, squareAvg, accDelta, o, vgs, vwd, vrho, vomr, vlr, veps);
      adadeltaVec(param, grad, squareAvg, accDelta, o + 16, vgs, vwd, vrho, vomr, vlr, veps);
    }
    for (; i + 4 <= n; i += 4) adadeltaVec(param, grad, squareAvg, accDelta, <usize>i << 2, vgs, vwd, vrho, vomr, vlr, veps);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    adadeltaOne(param + o, grad + o, squareAvg + o, accDelta + o, gs, wd, rho, omr, negLr, eps);
  }
}

