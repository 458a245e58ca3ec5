// RMSprop, centered and with momentum (torch.optim.RMSprop, single-tensor semantics).
//
//   g ← gradSign·g + l2·p
//   v ← α·v + (1 − α)·g·g                (state `square_avg`)
//   centered: ḡ ← lerp(ḡ, g, 1 − α)      (state `grad_avg`, torch's lerp, see below)
//             a ← √(v − ḡ·ḡ) + ε
//   otherwise a ← √v + ε
//   momentum: b ← μ·b + g / a;  p ← p + (−lr)·b      (state `momentum_buffer`)
//   otherwise p ← p + (−lr)·g / a
//
// torch's lerp(x, y, w) is x + w·(y − x) when |w| < 0.5 and y + (w − 1)·(y − x) otherwise; the
// choice depends on w only, so it is made once per call, outside the loops.
// The four variants share one body; `centered` and `momentum` are compile-time constants in each.
// The vector loop is unrolled ×2 (measured ~14% faster: two divisions and square roots in flight).

// @ts-ignore: decorator
import { lerpCoefficient, lerpIsSmall, lerpOne, lerpVec } from './lerp';

@inline function rmsOne(
  pp: usize, gp: usize, vp: usize, ap: usize, bp: usize,
  gs: f32, wd: f32, alpha: f32, oma: f32, c: f32, small: bool, mu: f32, negLr: f32, eps: f32,
  centered: bool, momentum: bool,
): void {
  const p = load<f32>(pp);
  const g = load<f32>(gp) * gs + wd * p;
  const v = load<f32>(vp) * alpha + oma * g * g;
  store<f32>(vp, v);
  let r: f32;
  if (centered) {
    const a0 = load<f32>(ap);
    const a = lerpOne(a0, g, c, small);
    store<f32>(ap, a);
    r = Mathf.sqrt(v - a * a) + eps;
  } else {
    r = Mathf.sqrt(v) + eps;
  }
  if (momentum) {
    const b = load<f32>(bp) * mu + g / r;
    store<f32>(bp, b);
    store<f32>(pp, p + negLr * b);
  } else {
    store<f32>(pp, p + (negLr * g) / r);
  }
}

// @ts-ignore: decorator
@inline function rmsVec(
  param: usize, grad: usize, sq: usize, gavg: usize, buf: usize, o: usize,
  vgs: v128, vwd: v128, valpha: v128, voma: v128, vc: v128, vmu: v128, vlr: v128, veps: v128,
  centered: bool, momentum: bool, small: bool,
): void {
  const p = v128.load(param + o);
  const g = f32x4.add(f32x4.mul(v128.load(grad + o), vgs), f32x4.mul(vwd, p));
  const v = f32x4.add(f32x4.mul(v128.load(sq + o), valpha), f32x4.mul(f32x4.mul(voma, g), g));
  v128.store(sq + o, v);
  let r: v128;
  if (centered) {
    const a0 = v128.load(gavg + o);
    const a = lerpVec(a0, g, vc, small);
    v128.store(gavg + o, a);
    r = f32x4.add(f32x4.sqrt(f32x4.sub(v, f32x4.mul(a, a))), veps);
  } else {
    r = f32x4.add(f32x4.sqrt(v), veps);
  }
  if (momentum) {
    const b = f32x4.add(f32x4.mul(v128.load(buf + o), vmu), f32x4.div(g, r));
    v128.store(buf + o, b);
    v128.store(param + o, f32x4.add(p, f32x4.mul(vlr, b)));
  } else {
    v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vlr, g), r)));
  }
}

/** The vector part, unrolled ×2; returns how many elements it did. Flags are constants. */
// @ts-ignore: decorator
@inline function rmsVectors(
  param: usize, grad: usize, sq: usize, gavg: usize, buf: usize, n: i32,
  gs: f32, wd: f32, alpha: f32, oma: f32, c: f32, mu: f32, negLr: f32, eps: f32,
  centered: bool, momentum: bool, small: bool,
): i32 {
  const vgs = f32x4.splat(gs), vwd = f32x4.splat(wd), valpha = f32x4.splat(alpha), voma = f32x4.splat(oma);
  const vc = f32x4.splat(c), vmu = f32x4.splat(mu), vlr = f32x4.splat(negLr), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    rmsVec(param, grad, sq, gavg, buf, o, vgs, vwd, valpha, voma, vc, vmu, vlr, veps, centered, momentum, small);
    rmsVec(param, grad, sq, gavg, buf, o + 16, vgs, vwd, valpha, voma, vc, vmu, vlr, veps, centered, momentum, small);
  }
  for (; i + 4 <= n; i += 4) {
    rmsVec(param, grad, sq, gavg, buf, <usize>i << 2, vgs, vwd, valpha, voma, vc, vmu, vlr, veps, centered, momentum, small);
  }
  return i;
}

// @ts-ignore: decorator
@inline function rmsBody(
  param: usize, grad: usize, sq: usize, gavg: usize, buf: usize, n: i32,
  gs: f32, wd: f32, alpha: f32, oma: f32, mu: f32, negLr: f32, eps: f32,
  centered: bool, momentum: bool,
): void {
  const small = lerpIsSmall(oma);
  const c = lerpCoefficient(oma, small);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (!centered) i = rmsVectors(param, grad, sq, gavg, buf, n, gs, wd, alpha, oma, c, mu, negLr, eps, false, momentum, true);
    else if (small) i = rmsVectors(param, grad, sq, gavg, buf, n, gs, wd, alpha, oma, c, mu, negLr, eps, true, momentum, true);
    else i = rmsVectors(param, grad, sq, gavg, buf, n, gs, wd, alpha, oma, c, mu, negLr, eps, true, momentum, false);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    rmsOne(param + o, grad + o, sq + o, gavg + o, buf + o, gs, wd, alpha, oma, c, small, mu, negLr, eps, centered, momentum);
  }
}

export function rmsprop_f32(param: usize, grad: usize, squareAvg: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), alpha = load<f32>(params, 8);
  const oma = load<f32>(params, 12), negLr = load<f32>(params, 16), eps = load<f32>(params, 20);
  rmsBody(param, grad, squareAvg, 0, 0, n, gs, wd, alpha, oma, 0, negLr, eps, false, false);
}

export function rmsprop_centered_f32(
  param: usize, grad: usize, squareAvg: usize, gradAvg: usize, n: i32, params: usize,
): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), alpha = load<f32>(params, 8);
  const oma = load<f32>(params, 12), negLr = load<f32>(params, 16), eps = load<f32>(params, 20);
  rmsBody(param, grad, squareAvg, gradAvg, 0, n, gs, wd, alpha, oma, 0, negLr, eps, true, false);
}

export function rmsprop_momentum_f32(
  param: usize, grad: usize, squareAvg: usize, momentumBuffer: usize, n: i32, params: usize,
): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), alpha = load<f32>(params, 8);
  const oma = load<f32>(params, 12), mu = load<f32>(params, 16), negLr = load<f32>(params, 20);
  const eps = load<f32>(params, 24);
  rmsBody(param, grad, squareAvg, 0, momentumBuffer, n, gs, wd, alpha, oma, mu, negLr, eps, false, true);
}

export function rmsprop_centered_momentum_f32(
  param: usize, grad: usize, squareAvg: usize, gradAvg: usize, momentumBuffer: usize, n: i32, params: usize,
): void {
  const gs = load<f32>(params), wd = load<f32>(params, 4), alpha = load<f32>(params, 8);
  const oma = load<f32>(params, 12), mu = load<f32>(params, 16), negLr = load<f32>(params, 20);
  const eps = load<f32>(params, 24);
  rmsBody(param, grad, squareAvg, gradAvg, momentumBuffer, n, gs, wd, alpha, oma, mu, negLr, eps, true, true);
}

