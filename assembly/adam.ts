// Adam, AdamW and AMSGrad (torch.optim.Adam / AdamW, single-tensor semantics).
//
//   p ← p·decay                          (decoupled weight decay, AdamW; decay = 1 − lr·λ)
//   g ← gs·g + wd·p                      (gs = −1 when maximizing; wd = λ for L2 decay, else 0)
//   m ← m + (1 − β1)·(g − m)             (torch's lerp)
//   v ← β2·v + (1 − β2)·g·g
//   v̂ ← max(v̂, v)                       (AMSGrad only)
//   p ← p + (−lr/(1 − β1^t))·m / (√v·(1/√(1 − β2^t)) + ε)
//
// Step-dependent scalars are computed once per step by the caller.

// @ts-ignore: decorator
@inline function adamOne(
  pp: usize, gp: usize, mp: usize, vp: usize,
  gs: f32, wd: f32, decay: f32, w1: f32, b2: f32, omb2: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  const p = load<f32>(pp) * decay;
  const g = load<f32>(gp) * gs + wd * p;
  const m0 = load<f32>(mp);
  const m = m0 + w1 * (g - m0);
  const v = load<f32>(vp) * b2 + omb2 * g * g;
  store<f32>(mp, m);
  store<f32>(vp, v);
  store<f32>(pp, p + (negStep * m) / (Mathf.sqrt(v) * invBc2s + eps));
}

// One vector of 4 elements: the same operations, in the same order, as adamOne.
// @ts-ignore: decorator
@inline function adamVec(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, o: usize,
  vgs: v128, vwd: v128, vdecay: v128, vw1: v128, vb2: v128, vomb2: v128, vstep: v128, vinv: v128, veps: v128,
): void {
  const p = f32x4.mul(v128.load(param + o), vdecay);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
  const m0 = v128.load(expAvg + o);
  const m = f32x4.add(m0, f32x4.mul(vw1, f32x4.sub(g, m0)));
  const v = f32x4.add(f32x4.mul(v128.load(expAvgSq + o), vb2), f32x4.mul(f32x4.mul(vomb2, g), g));
  v128.store(expAvg + o, m);
  v128.store(expAvgSq + o, v);
  const den = f32x4.add(f32x4.mul(f32x4.sqrt(v), vinv), veps);
  v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vstep, m), den)));
}

// The main loop handles two vectors (8 floats) per iteration: measured 20-25% faster than one
// vector per iteration on this machine (the two independent sqrt/div chains overlap better);
// four per iteration gained nothing more.
export function adam_f32_simd(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32,
  gs: f32, wd: f32, decay: f32, w1: f32, b2: f32, omb2: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
    const vw1 = f32x4.splat(w1), vb2 = f32x4.splat(b2), vomb2 = f32x4.splat(omb2);
    const vstep = f32x4.splat(negStep), vinv = f32x4.splat(invBc2s), veps = f32x4.splat(eps);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      adamVec(param, grad, expAvg, expAvgSq, o, vgs, vwd, vdecay, vw1, vb2, vomb2, vstep, vinv, veps);
      adamVec(param, grad, expAvg, expAvgSq, o + 16, vgs, vwd, vdecay, vw1, vb2, vomb2, vstep, vinv, veps);
    }
    for (; i + 4 <= n; i += 4) {
      adamVec(param, grad, expAvg, expAvgSq, <usize>i << 2, vgs, vwd, vdecay, vw1, vb2, vomb2, vstep, vinv, veps);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    adamOne(param + o, grad + o, expAvg + o, expAvgSq + o, gs, wd, decay, w1, b2, omb2, negStep, invBc2s, eps);
  }
}

export function adam_f32_scalar(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32,
  gs: f32, wd: f32, decay: f32, w1: f32, b2: f32, omb2: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    adamOne(param + o, grad + o, expAvg + o, expAvgSq + o, gs, wd, decay, w1, b2, omb2, negStep, invBc2s, eps);
  }
}

// @ts-ignore: decorator
@inline function amsgradOne(
  pp: usize, gp: usize, mp: usize, vp: usize, xp: usize,
  gs: f32, wd: f32, decay: f32, w1: f32, b2: f32, omb2: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  const p = load<f32>(pp) * decay;
  const g = load<f32>(gp) * gs + wd * p;
  const m0 = load<f32>(mp);
  const m = m0 + w1 * (g - m0);
  const v = load<f32>(vp) * b2 + omb2 * g * g;
  const x = Mathf.max(load<f32>(xp), v);
  store<f32>(mp, m);
  store<f32>(vp, v);
  store<f32>(xp, x);
  store<f32>(pp, p + (negStep * m) / (Mathf.sqrt(x) * invBc2s + eps));
}

// One vector of 4 elements, as amsgradOne.
// @ts-ignore: decorator
@inline function amsgradVec(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, o: usize,
  vgs: v128, vwd: v128, vdecay: v128, vw1: v128, vb2: v128, vomb2: v128, vstep: v128, vinv: v128, veps: v128,
): void {
  const p = f32x4.mul(v128.load(param + o), vdecay);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
  const m0 = v128.load(expAvg + o);
  const m = f32x4.add(m0, f32x4.mul(vw1, f32x4.sub(g, m0)));
  const v = f32x4.add(f32x4.mul(v128.load(expAvgSq + o), vb2), f32x4.mul(f32x4.mul(vomb2, g), g));
  const x = f32x4.max(v128.load(maxExpAvgSq + o), v);
  v128.store(expAvg + o, m);
  v128.store(expAvgSq + o, v);
  v128.store(maxExpAvgSq + o, x);
  const den = f32x4.add(f32x4.mul(f32x4.sqrt(x), vinv), veps);
  v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vstep, m), den)));
}

export function adam_amsgrad_f32_simd(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32,
  gs: f32, wd: f32, decay: f32, w1: f32, b2: f32, omb2: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
    const vw1 = f32x4.splat(w1), vb2 = f32x4.splat(b2), vomb2 = f32x4.splat(omb2);
    const vstep = f32x4.splat(negStep), vinv = f32x4.splat(invBc2s), veps = f32x4.splat(eps);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      amsgradVec(param, grad, expAvg, expAvgSq, maxExpAvgSq, o, vgs, vwd, vdecay, vw1, vb2, vomb2, vstep, vinv, veps);
      amsgradVec(param, grad, expAvg, expAvgSq, maxExpAvgSq, o + 16, vgs, vwd, vdecay, vw1, vb2, vomb2, vstep, vinv, veps);
    }
    for (; i + 4 <= n; i += 4) {
      amsgradVec(param, grad, expAvg, expAvgSq, maxExpAvgSq, <usize>i << 2, vgs, vwd, vdecay, vw1, vb2, vomb2, vstep, vinv, veps);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    amsgradOne(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, gs, wd, decay, w1, b2, omb2, negStep, invBc2s, eps);
  }
}

export function adam_amsgrad_f32_scalar(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32,
  gs: f32, wd: f32, decay: f32, w1: f32, b2: f32, omb2: f32, negStep: f32, invBc2s: f32, eps: f32,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    amsgradOne(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, gs, wd, decay, w1, b2, omb2, negStep, invBc2s, eps);
  }
}
