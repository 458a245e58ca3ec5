// LARS (optax.lars: add_decayed_weights → scale_by_trust_ratio → scale_by_learning_rate →
// trace), in two passes per tensor because the trust ratio needs the norms of the whole tensor's
// update and parameters before any parameter may change.
//
// Pass 1, lars_norms (skipped when the trust ratio is masked off):
//   u ← gradSign·g + λ·p
//   Σu², Σp²                             (written as two f64 at `out`)
// Pass 2, lars_f32 / lars_nesterov_f32 (p unchanged since pass 1, so u is recomputed bit for bit):
//   u ← gradSign·g + λ·p
//   u ← (−lr)·(u·r)                      r = trust ratio (caller), 1 when masked off
//   b ← u + μ·b
//   p ← p + b                            lars_nesterov_f32: p ← p + (u + μ·b), with the new b
//
// Reductions as lamb_moments: each square rounded to f32, summed in f64 over four lanes — element
// i of the vector part into lane i % 4 — combined as (s0 + s2) + (s1 + s3); tail elements are
// added after, in order. SIMD, scalar and JS agree.

// @ts-ignore: decorator
@inline function larsU(pp: usize, gp: usize, gs: f32, wd: f32): f32 {
  return load<f32>(gp) * gs + wd * load<f32>(pp);
}

// The squares of x's four lanes, each rounded to f32, widened to f64: lanes (0, 1) and (2, 3).
// @ts-ignore: decorator
@inline function squaresLow(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.mul(x, x));
}
// @ts-ignore: decorator
@inline function squaresHigh(x: v128): v128 {
  const xx = f32x4.mul(x, x);
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(xx, xx, 2, 3, 2, 3));
}
// Lane sums (s0, s1) and (s2, s3) combined as (s0 + s2) + (s1 + s3).
// @ts-ignore: decorator
@inline function laneTotal(low: v128, high: v128): f64 {
  const t = f64x2.add(low, high);
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

export function lars_norms_f32(param: usize, grad: usize, out: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4);
  let i = 0;
  let su: f64 = 0, sp: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd);
    let uLow = f64x2.splat(0), uHigh = f64x2.splat(0), pLow = f64x2.splat(0), pHigh = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const u = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
      uLow = f64x2.add(uLow, squaresLow(u));
      uHigh = f64x2.add(uHigh, squaresHigh(u));
      pLow = f64x2.add(pLow, squaresLow(p));
      pHigh = f64x2.add(pHigh, squaresHigh(p));
    }
    su = laneTotal(uLow, uHigh);
    sp = laneTotal(pLow, pHigh);
  } else {
    let u0: f64 = 0, u1: f64 = 0, u2: f64 = 0, u3: f64 = 0;
    let p0: f64 = 0, p1: f64 = 0, p2: f64 = 0, p3: f64 = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const a = larsU(param + o, grad + o, gs, wd), b = larsU(param + o + 4, grad + o + 4, gs, wd);
      const c = larsU(param + o + 8, grad + o + 8, gs, wd), d = larsU(param + o + 12, grad + o + 12, gs, wd);
      const q0 = load<f32>(param + o), q1 = load<f32>(param + o, 4), q2 = load<f32>(param + o, 8), q3 = load<f32>(param + o, 12);
      u0 += <f64>(a * a);
      u1 += <f64>(b * b);
      u2 += <f64>(c * c);
      u3 += <f64>(d * d);
      p0 += <f64>(q0 * q0);
      p1 += <f64>(q1 * q1);
      p2 += <f64>(q2 * q2);
      p3 += <f64>(q3 * q3);
    }
    su = (u0 + u2) + (u1 + u3);
    sp = (p0 + p2) + (p1 + p3);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const u = larsU(param + o, grad + o, gs, wd), p = load<f32>(param + o);
    su += <f64>(u * u);
    sp += <f64>(p * p);
  }
  store<f64>(out, su);
  store<f64>(out, sp, 8);
}

// @ts-ignore: decorator
@inline function larsApply(param: usize, grad: usize, buf: usize, n: i32, params: usize, nesterov: bool): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), tr = load<f32>(params, 8);
  const negLr = load<f32>(params, 12), mu = load<f32>(params, 16);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), vtr = f32x4.splat(tr), vlr = f32x4.splat(negLr), vmu = f32x4.splat(mu);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const u0 = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
      const u = f32x4.mul(vlr, f32x4.mul(u0, vtr));
      const b = f32x4.add(u, f32x4.mul(vmu, v128.load(buf + o)));
      v128.store(buf + o, b);
      v128.store(param + o, f32x4.add(p, nesterov ? f32x4.add(u, f32x4.mul(vmu, b)) : b));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const u = negLr * (larsU(param + o, grad + o, gs, wd) * tr);
    const b = u + mu * load<f32>(buf + o);
    store<f32>(buf + o, b);
    store<f32>(param + o, p + (nesterov ? u + mu * b : b));
  }
}

export function lars_f32(param: usize, grad: usize, momentumBuffer: usize, n: i32, params: usize): void {
  larsApply(param, grad, momentumBuffer, n, params, false);
}

export function lars_nesterov_f32(param: usize, grad: usize, momentumBuffer: usize, n: i32, params: usize): void {
  larsApply(param, grad, momentumBuffer, n, params, true);
}
