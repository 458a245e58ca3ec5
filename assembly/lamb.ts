// LAMB (optax.lamb: scale_by_adam → add_decayed_weights → scale_by_trust_ratio →
// scale_by_learning_rate), in two passes per tensor because the trust ratio needs the norms of
// the whole tensor's update and parameters before any parameter may change.
//
// Pass 1, lamb_moments:
//   g ← gradSign·g
//   m ← (1 − β1)·g + β1·m                v ← (1 − β2)·(g·g) + β2·v
//   u ← (m·(1/bc1)) / (√(v·(1/bc2) + ε_root) + ε) + λ·p
//   Σu², Σp²                             (written as two f64 at `out`)
// Pass 2, lamb_apply (m, v, p unchanged since pass 1, so u is recomputed bit for bit):
//   p ← p + (−lr)·(u·tr)                 tr = ‖p‖/‖u‖, or 1 when either norm is 0 (caller)
//
// Reductions: each square is rounded to f32 (as the float32 norm would round it), then summed in
// f64 over four lanes — element i of the vector part into lane i % 4 — combined as
// (s0 + s2) + (s1 + s3); tail elements are added after, in order. SIMD, scalar and JS agree.

// @ts-ignore: decorator
@inline function lambU(m: f32, v: f32, p: f32, invBc1: f32, invBc2: f32, epsRoot: f32, eps: f32, wd: f32): f32 {
  return (m * invBc1) / (Mathf.sqrt(v * invBc2 + epsRoot) + eps) + wd * p;
}

// @ts-ignore: decorator
@inline function lambUVec(m: v128, v: v128, p: v128, vib1: v128, vib2: v128, vroot: v128, veps: v128, vwd: v128): v128 {
  const den = f32x4.add(f32x4.sqrt(f32x4.add(f32x4.mul(v, vib2), vroot)), veps);
  return f32x4.add(f32x4.div(f32x4.mul(m, vib1), den), f32x4.mul(vwd, p));
}

/** x², rounded to float32 as the float32 norm rounds it, then widened for the float64 sums. */
// @ts-ignore: decorator
@inline function square(x: f32): f64 {
  return <f64>(x * x);
}

/** Updates m and v of one element; returns its u. */
// @ts-ignore: decorator
@inline function lambMomentsOne(
  pp: usize, gp: usize, mp: usize, vp: usize,
  gs: f32, w1: f32, b1: f32, w2: f32, b2: f32, invBc1: f32, invBc2: f32, epsRoot: f32, eps: f32, wd: f32,
): f32 {
  const g = load<f32>(gp) * gs;
  const m = w1 * g + b1 * load<f32>(mp);
  const v = w2 * (g * g) + b2 * load<f32>(vp);
  store<f32>(mp, m);
  store<f32>(vp, v);
  return lambU(m, v, load<f32>(pp), invBc1, invBc2, epsRoot, eps, wd);
}

// The scalar tail of both moment loops, from element i: adds each u² and p² (in float64) to the
// sums su and sp, then stores them at out and out + 8.
// @ts-ignore: decorator
@inline function lambMomentsTail(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, out: usize, i: i32, n: i32, su: f64, sp: f64,
  gs: f32, w1: f32, b1: f32, w2: f32, b2: f32, invBc1: f32, invBc2: f32, epsRoot: f32, eps: f32, wd: f32,
): void {
  for (; i < n; i++) {
    const o = <usize>i << 2;
    su += square(lambMomentsOne(param + o, grad + o, expAvg + o, expAvgSq + o, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd));
    sp += square(load<f32>(param + o));
  }
  store<f64>(out, su);
  store<f64>(out, sp, 8);
}

export function lamb_moments_f32(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, out: usize, n: i32, params: usize,
): void {
  const gs = load<f32>(params), w1 = load<f32>(params, 4), b1 = load<f32>(params, 8);
  const w2 = load<f32>(params, 12), b2 = load<f32>(params, 16), invBc1 = load<f32>(params, 20);
  const invBc2 = load<f32>(params, 24), epsRoot = load<f32>(params, 28), eps = load<f32>(params, 32);
  const wd = load<f32>(params, 36);
  if (!ASC_FEATURE_SIMD) {
    lambMomentsScalar(param, grad, expAvg, expAvgSq, out, n, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd);
    return;
  }
  let i = 0;
  let su: f64 = 0, sp: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vw1 = f32x4.splat(w1), vb1 = f32x4.splat(b1), vw2 = f32x4.splat(w2);
    const vb2 = f32x4.splat(b2), vib1 = f32x4.splat(invBc1), vib2 = f32x4.splat(invBc2);
    const vroot = f32x4.splat(epsRoot), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    let u01 = f64x2.splat(0), u23 = f64x2.splat(0), p01 = f64x2.splat(0), p23 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(v128.load(grad + o), vgs);
      const m = f32x4.add(f32x4.mul(vw1, g), f32x4.mul(vb1, v128.load(expAvg + o)));
      const v = f32x4.add(f32x4.mul(vw2, f32x4.mul(g, g)), f32x4.mul(vb2, v128.load(expAvgSq + o)));
      v128.store(expAvg + o, m);
      v128.store(expAvgSq + o, v);
      const p = v128.load(param + o);
      const u = lambUVec(m, v, p, vib1, vib2, vroot, veps, vwd);
      const uu = f32x4.mul(u, u), pp = f32x4.mul(p, p);
      u01 = f64x2.add(u01, f64x2.promote_low_f32x4(uu));
      u23 = f64x2.add(u23, f64x2.promote_low_f32x4(v128.shuffle<f32>(uu, uu, 2, 3, 2, 3)));
      p01 = f64x2.add(p01, f64x2.promote_low_f32x4(pp));
      p23 = f64x2.add(p23, f64x2.promote_low_f32x4(v128.shuffle<f32>(pp, pp, 2, 3, 2, 3)));
    }
    // (s0 + s2) and (s1 + s3) in the two lanes, then their sum.
    const us = f64x2.add(u01, u23), ps = f64x2.add(p01, p23);
    su = f64x2.extract_lane(us, 0) + f64x2.extract_lane(us, 1);
    sp = f64x2.extract_lane(ps, 0) + f64x2.extract_lane(ps, 1);
  }
  lambMomentsTail(param, grad, expAvg, expAvgSq, out, i, n, su, sp, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd);
}

// @ts-ignore: decorator
@inline function lambMomentsScalar(
  param: usize, grad: usize, expAvg: usize, expAvgSq: usize, out: usize, n: i32,
  gs: f32, w1: f32, b1: f32, w2: f32, b2: f32, invBc1: f32, invBc2: f32, epsRoot: f32, eps: f32, wd: f32,
): void {
  let u0: f64 = 0, u1: f64 = 0, u2: f64 = 0, u3: f64 = 0;
  let p0: f64 = 0, p1: f64 = 0, p2: f64 = 0, p3: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pp = param + o, gp = grad + o, mp = expAvg + o, vp = expAvgSq + o;
    u0 += square(lambMomentsOne(pp, gp, mp, vp, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd));
    p0 += square(load<f32>(pp));
    u1 += square(lambMomentsOne(pp + 4, gp + 4, mp + 4, vp + 4, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd));
    p1 += square(load<f32>(pp, 4));
    u2 += square(lambMomentsOne(pp + 8, gp + 8, mp + 8, vp + 8, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd));
    p2 += square(load<f32>(pp, 8));
    u3 += square(lambMomentsOne(pp + 12, gp + 12, mp + 12, vp + 12, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd));
    p3 += square(load<f32>(pp, 12));
  }
  const su = (u0 + u2) + (u1 + u3), sp = (p0 + p2) + (p1 + p3);
  lambMomentsTail(param, grad, expAvg, expAvgSq, out, i, n, su, sp, gs, w1, b1, w2, b2, invBc1, invBc2, epsRoot, eps, wd);
}

// @ts-ignore: decorator
@inline function lambApplyOne(
  pp: usize, mp: usize, vp: usize,
  invBc1: f32, invBc2: f32, epsRoot: f32, eps: f32, wd: f32, negLr: f32, tr: f32,
): void {
  const p = load<f32>(pp);
  const u = lambU(load<f32>(mp), load<f32>(vp), p, invBc1, invBc2, epsRoot, eps, wd);
  store<f32>(pp, p + negLr * (u * tr));
}

export function lamb_apply_f32(param: usize, expAvg: usize, expAvgSq: usize, n: i32, params: usize): void {
  const invBc1 = load<f32>(params), invBc2 = load<f32>(params, 4), epsRoot = load<f32>(params, 8);
  const eps = load<f32>(params, 12), wd = load<f32>(params, 16), negLr = load<f32>(params, 20);
  const tr = load<f32>(params, 24);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vib1 = f32x4.splat(invBc1), vib2 = f32x4.splat(invBc2), vroot = f32x4.splat(epsRoot);
    const veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vlr = f32x4.splat(negLr), vtr = f32x4.splat(tr);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const u = lambUVec(v128.load(expAvg + o), v128.load(expAvgSq + o), p, vib1, vib2, vroot, veps, vwd);
      v128.store(param + o, f32x4.add(p, f32x4.mul(vlr, f32x4.mul(u, vtr))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    lambApplyOne(param + o, expAvg + o, expAvgSq + o, invBc1, invBc2, epsRoot, eps, wd, negLr, tr);
  }
}

