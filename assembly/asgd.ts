// ASGD (torch.optim.ASGD, single-tensor semantics, capturable = false).
//
//   g  ← gradSign·g + l2·p
//   p  ← p·decay                 decay = 1 − λ·η, rounded to float32 by the caller
//   p  ← p + (−η)·g
//   ax ← p                       while μ = 1 (a copy: ax + (p − ax)·1 is not always p)
//   ax ← ax + (p − ax)·μ         once averaging has started (μ < 1)
//
// η and μ are the run's scalar state, read by the caller before the step and updated after it.
// Whether to average depends on μ only, so each case has its own branch-free loop.

// @ts-ignore: decorator
@inline function asgdOne(pp: usize, gp: usize, ap: usize, gs: f32, wd: f32, decay: f32, negEta: f32, mu: f32, average: bool): void {
  const p0 = load<f32>(pp);
  const g = load<f32>(gp) * gs + wd * p0;
  const p = p0 * decay + negEta * g;
  store<f32>(pp, p);
  if (average) {
    const a = load<f32>(ap);
    store<f32>(ap, a + (p - a) * mu);
  } else {
    store<f32>(ap, p);
  }
}

// One vector of 4 elements: the same operations, in the same order, as asgdOne.
// @ts-ignore: decorator
@inline function asgdVec(param: usize, grad: usize, ax: usize, o: usize, vgs: v128, vwd: v128, vdecay: v128, veta: v128, vmu: v128, average: bool): void {
  const p0 = v128.load(param + o);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p0));
  const p = f32x4.add(f32x4.mul(p0, vdecay), f32x4.mul(veta, g));
  v128.store(param + o, p);
  if (average) {
    const a = v128.load(ax + o);
    v128.store(ax + o, f32x4.add(a, f32x4.mul(f32x4.sub(p, a), vmu)));
  } else {
    v128.store(ax + o, p);
  }
}

// @ts-ignore: decorator
@inline function asgdBody(param: usize, grad: usize, ax: usize, n: i32, gs: f32, wd: f32, decay: f32, negEta: f32, mu: f32, average: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
    const veta = f32x4.splat(negEta), vmu = f32x4.splat(mu);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      asgdVec(param, grad, ax, o, vgs, vwd, vdecay, veta, vmu, average);
      asgdVec(param, grad, ax, o + 16, vgs, vwd, vdecay, veta, vmu, average);
    }
    for (; i + 4 <= n; i += 4) asgdVec(param, grad, ax, <usize>i << 2, vgs, vwd, vdecay, veta, vmu, average);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    asgdOne(param + o, grad + o, ax + o, gs, wd, decay, negEta, mu, average);
  }
}

export function asgd_f32(param: usize, grad: usize, ax: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), decay = load<f32>(params, 8);
  const negEta = load<f32>(params, 12), mu = load<f32>(params, 16);
  if (mu != 1) asgdBody(param, grad, ax, n, gs, wd, decay, negEta, mu, true);
  else asgdBody(param, grad, ax, n, gs, wd, decay, negEta, mu, false);
}
