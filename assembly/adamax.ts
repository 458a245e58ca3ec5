// Adamax (torch.optim.Adamax, single-tensor semantics).
//
//   g ← gs·g + wd·p                      (gs = −1 when maximizing; wd = λ, 0 when off)
//   m ← lerp(m, g, 1 − β1)               (state `exp_avg`, torch's lerp, see below)
//   u ← max(β2·u, |g| + ε)               (state `exp_inf`; NaN propagates, as torch.maximum)
//   p ← p + (−lr/(1 − β1^t))·m / u       (step size computed by the caller)
//
// torch's lerp(x, y, w) is x + w·(y − x) when |w| < 0.5 and y + (w − 1)·(y − x) otherwise; the
// choice depends on w only, so it is made once per call and the loop picks the base with a mask.

// @ts-ignore: decorator
@inline function adamaxOne(
  pp: usize, gp: usize, mp: usize, up: usize,
  gs: f32, wd: f32, c: f32, small: bool, b2: f32, negClr: f32, eps: f32,
): void {
  const p = load<f32>(pp);
  const g = load<f32>(gp) * gs + wd * p;
  const m0 = load<f32>(mp);
  const m = select<f32>(m0, g, small) + c * (g - m0);
  const u = Mathf.max(load<f32>(up) * b2, Mathf.abs(g) + eps);
  store<f32>(mp, m);
  store<f32>(up, u);
  store<f32>(pp, p + (negClr * m) / u);
}

// @ts-ignore: decorator
@inline function adamaxBody(
  param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32,
  gs: f32, wd: f32, w1: f32, b2: f32, negClr: f32, eps: f32, simd: bool,
): void {
  const small = Mathf.abs(w1) < 0.5;
  const c: f32 = small ? w1 : w1 - 1;
  let i = 0;
  if (ASC_FEATURE_SIMD && simd) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vc = f32x4.splat(c), vmask = i32x4.splat(small ? -1 : 0);
    const vb2 = f32x4.splat(b2), vclr = f32x4.splat(negClr), veps = f32x4.splat(eps);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
      const m0 = v128.load(expAvg + o);
      const m = f32x4.add(v128.bitselect(m0, g, vmask), f32x4.mul(vc, f32x4.sub(g, m0)));
      const u = f32x4.max(f32x4.mul(v128.load(expInf + o), vb2), f32x4.add(f32x4.abs(g), veps));
      v128.store(expAvg + o, m);
      v128.store(expInf + o, u);
      v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vclr, m), u)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    adamaxOne(param + o, grad + o, expAvg + o, expInf + o, gs, wd, c, small, b2, negClr, eps);
  }
}

export function adamax_f32_simd(
  param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32,
  gs: f32, wd: f32, w1: f32, b2: f32, negClr: f32, eps: f32,
): void {
  adamaxBody(param, grad, expAvg, expInf, n, gs, wd, w1, b2, negClr, eps, true);
}

export function adamax_f32_scalar(
  param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32,
  gs: f32, wd: f32, w1: f32, b2: f32, negClr: f32, eps: f32,
): void {
  adamaxBody(param, grad, expAvg, expInf, n, gs, wd, w1, b2, negClr, eps, false);
}
