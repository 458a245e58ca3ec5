// NovoGrad (optax.novograd: scale_by_novograd → scale_by_learning_rate), the elementwise part;
// the per-tensor second moment ν and den = √(ν + ε_root) + ε are formed by the caller from the
// tensor's gradient norm.
//
//   g ← gradSign·g
//   u ← g / den + λ·p
//   m ← u at the first step, else β1·m + u
//   p ← p + (−lr)·m

// @ts-ignore: decorator
@inline function novogradOne(
  pp: usize, gp: usize, mp: usize,
  gs: f32, den: f32, wd: f32, b1: f32, first: bool, negLr: f32,
): void {
  const p = load<f32>(pp);
  const u = (load<f32>(gp) * gs) / den + wd * p;
  const m = first ? u : b1 * load<f32>(mp) + u;
  store<f32>(mp, m);
  store<f32>(pp, p + negLr * m);
}

export function novograd_f32(param: usize, grad: usize, expAvg: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), den = load<f32>(params, 4), wd = load<f32>(params, 8);
  const b1 = load<f32>(params, 12), first = load<f32>(params, 16) != 0, negLr = load<f32>(params, 20);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vden = f32x4.splat(den), vwd = f32x4.splat(wd), vb1 = f32x4.splat(b1);
    const vfirst = i32x4.splat(first ? -1 : 0), vlr = f32x4.splat(negLr);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const u = f32x4.add(f32x4.div(f32x4.mul(v128.load(grad + o), vgs), vden), f32x4.mul(vwd, p));
      const m = v128.bitselect(u, f32x4.add(f32x4.mul(vb1, v128.load(expAvg + o)), u), vfirst);
      v128.store(expAvg + o, m);
      v128.store(param + o, f32x4.add(p, f32x4.mul(vlr, m)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    novogradOne(param + o, grad + o, expAvg + o, gs, den, wd, b1, first, negLr);
  }
}
