// Lion (optax.lion: scale_by_lion → add_decayed_weights → scale_by_learning_rate).
//
//   g ← gradSign·g
//   c ← sign((1 − β1)·g + β1·m)          (sign(±0) = ±0, sign(NaN) = NaN, as jnp.sign)
//   p ← p + (−lr)·(c + λ·p)
//   m ← (1 − β2)·g + β2·m                (the old m is used for c above)
//
// sign() is branch-free in the SIMD loop: ±1 carrying x's sign bit, selected where |x| > 0,
// else x itself (which keeps ±0 and NaN).

// @ts-ignore: decorator
@inline function signOf(x: f32): f32 {
  return select<f32>(copysign<f32>(1, x), x, abs<f32>(x) > 0);
}

// @ts-ignore: decorator
@inline function lionOne(
  pp: usize, gp: usize, mp: usize,
  gs: f32, w1: f32, b1: f32, w2: f32, b2: f32, wd: f32, negLr: f32,
): void {
  const p = load<f32>(pp);
  const g = load<f32>(gp) * gs;
  const m0 = load<f32>(mp);
  const c = signOf(w1 * g + b1 * m0);
  store<f32>(pp, p + negLr * (c + wd * p));
  store<f32>(mp, w2 * g + b2 * m0);
}

export function lion_f32(param: usize, grad: usize, expAvg: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), w1 = load<f32>(params, 4), b1 = load<f32>(params, 8);
  const w2 = load<f32>(params, 12), b2 = load<f32>(params, 16), wd = load<f32>(params, 20);
  const negLr = load<f32>(params, 24);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vw1 = f32x4.splat(w1), vb1 = f32x4.splat(b1);
    const vw2 = f32x4.splat(w2), vb2 = f32x4.splat(b2), vwd = f32x4.splat(wd), vlr = f32x4.splat(negLr);
    const one = f32x4.splat(1), zero = f32x4.splat(0), signBit = i32x4.splat(0x80000000);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const g = f32x4.mul(v128.load(grad + o), vgs);
      const m0 = v128.load(expAvg + o);
      const x = f32x4.add(f32x4.mul(vw1, g), f32x4.mul(vb1, m0));
      const unit = v128.or(v128.and(x, signBit), one);
      const c = v128.bitselect(unit, x, f32x4.gt(f32x4.abs(x), zero));
      v128.store(param + o, f32x4.add(p, f32x4.mul(vlr, f32x4.add(c, f32x4.mul(vwd, p)))));
      v128.store(expAvg + o, f32x4.add(f32x4.mul(vw2, g), f32x4.mul(vb2, m0)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    lionOne(param + o, grad + o, expAvg + o, gs, w1, b1, w2, b2, wd, negLr);
  }
}

