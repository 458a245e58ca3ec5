// Schedule-Free AdamW (optax.contrib.schedule_free_adamw: schedule_free wrapped around
// scale_by_rms(eps_in_sqrt = False, bias_correction = True) → add_decayed_weights →
// scale_by_learning_rate). The parameters hold y; z and v are state.
//
// schedule_free_adamw_f32, per element:
//   g ← gradSign·g
//   v ← (1 − β2)·(g·g) + β2·v                    (state `exp_avg_sq`)
//   u ← (1 / (√(v·(1/bc2)) + ε))·g
//   u ← u + λ·y
//   u ← (−lr_t)·u
//   z' ← z + u                                   (state `z`)
//   x ← (y − (1 − β1)·z) / β1                    (recomputed from the old z)
//   x' ← (1 − c)·x + c·z'
//   y' ← β1·x' + (1 − β1)·z'
//   p ← y + (y' − y)                             (optax returns y' − y; apply_updates adds it)
// with 1/bc2, −lr_t, c and 1 − c computed once per step by the caller.
//
// schedule_free_adamw_eval_f32, per element (evalParams: y kept in `saved`, p becomes x):
//   saved ← y
//   p ← (y − (1 − β1)·z) / β1                    (1 − β1 as optax's eval computes it, in float32)
// z may be the parameters themselves (before the first step z = y).

// @ts-ignore: decorator
@inline function sfOne(
  pp: usize, gp: usize, zp: usize, vp: usize,
  gs: f32, omb2: f32, b2: f32, invBc2: f32, eps: f32, wd: f32, negLr: f32, omb1: f32, b1: f32, omck: f32, ck: f32,
): void {
  const y = load<f32>(pp);
  const g = load<f32>(gp) * gs;
  const v = omb2 * (g * g) + b2 * load<f32>(vp);
  const u = negLr * ((<f32>1 / (Mathf.sqrt(v * invBc2) + eps)) * g + wd * y);
  const z0 = load<f32>(zp);
  const z = z0 + u;
  const x = (omck * ((y - omb1 * z0) / b1)) + ck * z;
  store<f32>(vp, v);
  store<f32>(zp, z);
  store<f32>(pp, y + ((b1 * x + omb1 * z) - y));
}

// One vector of 4 elements: the same operations, in the same order, as sfOne.
// @ts-ignore: decorator
@inline function sfVec(
  pp: usize, gp: usize, zp: usize, vp: usize,
  vgs: v128, vomb2: v128, vb2: v128, vinv: v128, veps: v128, vwd: v128, vlr: v128, vomb1: v128, vb1: v128, vomck: v128, vck: v128,
): void {
  const one = f32x4.splat(1);
  const y = v128.load(pp);
  const g = f32x4.mul(v128.load(gp), vgs);
  const v = f32x4.add(f32x4.mul(vomb2, f32x4.mul(g, g)), f32x4.mul(vb2, v128.load(vp)));
  const r = f32x4.div(one, f32x4.add(f32x4.sqrt(f32x4.mul(v, vinv)), veps));
  const u = f32x4.mul(vlr, f32x4.add(f32x4.mul(r, g), f32x4.mul(vwd, y)));
  const z0 = v128.load(zp);
  const z = f32x4.add(z0, u);
  const x0 = f32x4.div(f32x4.sub(y, f32x4.mul(vomb1, z0)), vb1);
  const x = f32x4.add(f32x4.mul(vomck, x0), f32x4.mul(vck, z));
  const y1 = f32x4.add(f32x4.mul(vb1, x), f32x4.mul(vomb1, z));
  v128.store(vp, v);
  v128.store(zp, z);
  v128.store(pp, f32x4.add(y, f32x4.sub(y1, y)));
}

export function schedule_free_adamw_f32(param: usize, grad: usize, z: usize, expAvgSq: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), omb2 = load<f32>(params, 4), b2 = load<f32>(params, 8);
  const invBc2 = load<f32>(params, 12), eps = load<f32>(params, 16), wd = load<f32>(params, 20);
  const negLr = load<f32>(params, 24), omb1 = load<f32>(params, 28), b1 = load<f32>(params, 32);
  const omck = load<f32>(params, 36), ck = load<f32>(params, 40);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vomb2 = f32x4.splat(omb2), vb2 = f32x4.splat(b2), vinv = f32x4.splat(invBc2);
    const veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vlr = f32x4.splat(negLr), vomb1 = f32x4.splat(omb1);
    const vb1 = f32x4.splat(b1), vomck = f32x4.splat(omck), vck = f32x4.splat(ck);
    // Two vectors per iteration, so their division chains overlap: measured 20-30% faster than one
    // at 16K elements (in cache).
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      sfVec(param + o, grad + o, z + o, expAvgSq + o, vgs, vomb2, vb2, vinv, veps, vwd, vlr, vomb1, vb1, vomck, vck);
      sfVec(param + o + 16, grad + o + 16, z + o + 16, expAvgSq + o + 16, vgs, vomb2, vb2, vinv, veps, vwd, vlr, vomb1, vb1, vomck, vck);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      sfVec(param + o, grad + o, z + o, expAvgSq + o, vgs, vomb2, vb2, vinv, veps, vwd, vlr, vomb1, vb1, vomck, vck);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    sfOne(param + o, grad + o, z + o, expAvgSq + o, gs, omb2, b2, invBc2, eps, wd, negLr, omb1, b1, omck, ck);
  }
}

export function schedule_free_adamw_eval_f32(param: usize, z: usize, saved: usize, n: i32, params: usize): void {
  const omb1 = load<f32>(params), b1 = load<f32>(params, 4);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vomb1 = f32x4.splat(omb1), vb1 = f32x4.splat(b1);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const y = v128.load(param + o);
      const x = f32x4.div(f32x4.sub(y, f32x4.mul(vomb1, v128.load(z + o))), vb1);
      v128.store(saved + o, y);
      v128.store(param + o, x);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const y = load<f32>(param + o);
    const x = (y - omb1 * load<f32>(z + o)) / b1;
    store<f32>(saved + o, y);
    store<f32>(param + o, x);
  }
}
