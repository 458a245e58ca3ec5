// Adagrad (torch.optim.Adagrad, single-tensor semantics).
//
//   g ← gradSign·g + l2·p
//   s ← s + g·g                          (state `sum`, starts at initial_accumulator_value)
//   p ← p + (−clr)·g / (√s + ε)          (clr = lr / (1 + (t − 1)·lr_decay), computed by the caller)
//
// The vector loop is unrolled ×2 (measured ~3% faster: the square root and the division bound
// it; two vectors in flight overlap their latencies).

// @ts-ignore: decorator
@inline function adagradOne(pp: usize, gp: usize, sp: usize, gs: f32, wd: f32, negClr: f32, eps: f32): void {
  const p = load<f32>(pp);
  const g = load<f32>(gp) * gs + wd * p;
  const s = load<f32>(sp) + g * g;
  store<f32>(sp, s);
  store<f32>(pp, p + (negClr * g) / (Mathf.sqrt(s) + eps));
}

// @ts-ignore: decorator
@inline function adagradVec(
  param: usize, grad: usize, sum: usize, o: usize, vgs: v128, vwd: v128, vclr: v128, veps: v128,
): void {
  const p = v128.load(param + o);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
  const s = f32x4.add(v128.load(sum + o), f32x4.mul(g, g));
  v128.store(sum + o, s);
  v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vclr, g), f32x4.add(f32x4.sqrt(s), veps))));
}

export function adagrad_f32(param: usize, grad: usize, sum: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), negClr = load<f32>(params, 8);
  const eps = load<f32>(params, 12);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vclr = f32x4.splat(negClr), veps = f32x4.splat(eps);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      adagradVec(param, grad, sum, o, vgs, vwd, vclr, veps);
      adagradVec(param, grad, sum, o + 16, vgs, vwd, vclr, veps);
    }
    for (; i + 4 <= n; i += 4) adagradVec(param, grad, sum, <usize>i << 2, vgs, vwd, vclr, veps);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    adagradOne(param + o, grad + o, sum + o, gs, wd, negClr, eps);
  }
}

