// Losses: each writes the gradient of (scale · Σ loss terms) with respect to its input into
// `grad` and returns the unscaled sum of the loss terms as a float64 (the caller divides).
//
//   mse_loss_f32          d = p − t;  term = d² (in float64);  grad = scale·d          (scale = 2/N)
//   bce_logits_loss_f32   e = exp(−|z|);  term = (max(z, 0) − z·t) + log(1 + e)
//                         σ = z ≥ 0 ? 1/(1 + e) : e/(1 + e);  grad = scale·(σ − t)  (scale = 1/N)
//   softmax_ce_loss_f32   per row of `cols` logits z and target probabilities t:
//                         μ = max z;  eⱼ = exp(zⱼ − μ);  s = Σ eⱼ;  λ = log s
//                         term = Σ tⱼ·(λ − (zⱼ − μ));  grad = scale·(eⱼ/s − tⱼ)    (scale = 1/rows)
//
// Sums follow one fixed order on every path: elements [0, n & ~3) go to partial sum i % 4, the
// partial sums are combined as (s0 + s2) + (s1 + s3), then the tail is added in order. Loss terms
// are summed in float64 (rows of softmax_ce in float64, s in float32). mse and bce may write the
// gradient over their input; softmax_ce's grad must not overlap its logits or targets.
import { expf, expv, hsum, logf, logv } from './fmath';

// Adds the four f32 lanes of v, promoted to f64, to the running partial sums lo = (s0, s1), hi = (s2, s3).
// @ts-ignore: decorator
@inline function addLanes(acc: v128, v: v128, high: bool): v128 {
  const h = high ? i64x2.shuffle(v, v, 1, 1) : v;
  return f64x2.add(acc, f64x2.promote_low_f32x4(h));
}

// @ts-ignore: decorator
@inline function combine(lo: v128, hi: v128): f64 {
  return (f64x2.extract_lane(lo, 0) + f64x2.extract_lane(hi, 0)) + (f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 1));
}

const MSE = 0;
const BCE = 1;

// @ts-ignore: decorator
@inline function mseOne(p: usize, t: usize, g: usize, scale: f32): f64 {
  const d = load<f32>(p) - load<f32>(t);
  store<f32>(g, scale * d);
  const w = <f64>d;
  return w * w;
}

// @ts-ignore: decorator
@inline function bceOne(zp: usize, tp: usize, g: usize, scale: f32): f64 {
  const z = load<f32>(zp), t = load<f32>(tp);
  const e = expf(-Mathf.abs(z));
  const u: f32 = 1.0 + e;
  const term = (max<f32>(z, 0) - z * t) + logf(u);
  const sig: f32 = z >= 0 ? 1.0 / u : e / u;
  store<f32>(g, scale * (sig - t));
  return <f64>term;
}

// The loss term of one element; `loss` is a constant at every call site.
// @ts-ignore: decorator
@inline function termOne(loss: i32, x: usize, t: usize, g: usize, scale: f32): f64 {
  return loss == MSE ? mseOne(x, t, g, scale) : bceOne(x, t, g, scale);
}

// Adds the terms of elements [i, n), in order, to s.
// @ts-ignore: decorator
@inline function tail(loss: i32, x: usize, t: usize, g: usize, i: i32, n: i32, scale: f32, s: f64): f64 {
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += termOne(loss, x + o, t + o, g + o, scale);
  }
  return s;
}

// The scalar build: element i into partial sum i % 4, then the tail.
// @ts-ignore: decorator
@inline function scalarLoss(loss: i32, x: usize, t: usize, g: usize, n: i32, scale: f32): f64 {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const xo = x + o, to = t + o, go = g + o;
    s0 += termOne(loss, xo, to, go, scale);
    s1 += termOne(loss, xo + 4, to + 4, go + 4, scale);
    s2 += termOne(loss, xo + 8, to + 8, go + 8, scale);
    s3 += termOne(loss, xo + 12, to + 12, go + 12, scale);
  }
  return tail(loss, x, t, g, i, n, scale, (s0 + s2) + (s1 + s3));
}

export function mse_loss_f32(pred: usize, target: usize, grad: usize, n: i32, params: usize): f64 {
  const scale = load<f32>(params);
  if (!ASC_FEATURE_SIMD) return scalarLoss(MSE, pred, target, grad, n, scale);
  const vs = f32x4.splat(scale);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(pred + o), v128.load(target + o));
    v128.store(grad + o, f32x4.mul(vs, d));
    const a = f64x2.promote_low_f32x4(d), b = f64x2.promote_low_f32x4(i64x2.shuffle(d, d, 1, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  return tail(MSE, pred, target, grad, i, n, scale, combine(lo, hi));
}

export function bce_logits_loss_f32(logits: usize, target: usize, grad: usize, n: i32, params: usize): f64 {
  const scale = load<f32>(params);
  if (!ASC_FEATURE_SIMD) return scalarLoss(BCE, logits, target, grad, n, scale);
  const vs = f32x4.splat(scale), one = f32x4.splat(1.0), zero = f32x4.splat(0);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const z = v128.load(logits + o), t = v128.load(target + o);
    const e = expv(f32x4.neg(f32x4.abs(z)));
    const u = f32x4.add(one, e);
    const term = f32x4.add(f32x4.sub(f32x4.max(z, zero), f32x4.mul(z, t)), logv(u));
    const sig = v128.bitselect(f32x4.div(one, u), f32x4.div(e, u), f32x4.ge(z, zero));
    v128.store(grad + o, f32x4.mul(vs, f32x4.sub(sig, t)));
    lo = addLanes(lo, term, false);
    hi = addLanes(hi, term, true);
  }
  return tail(BCE, logits, target, grad, i, n, scale, combine(lo, hi));
}

// One row of softmax cross-entropy; in the SIMD build [0, c & ~3) runs in v128 loops.
// @ts-ignore: decorator
@inline function softmaxRow(z: usize, t: usize, g: usize, c: i32, scale: f32): f64 {
  let j = 0;
  let mx: f32 = -Infinity;
  // Maximum (exact in any order).
  if (ASC_FEATURE_SIMD) {
    let vm = f32x4.splat(-Infinity);
    for (; j + 4 <= c; j += 4) vm = f32x4.max(vm, v128.load(z + (<usize>j << 2)));
    mx = max<f32>(max<f32>(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), max<f32>(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
  }
  for (; j < c; j++) mx = max<f32>(mx, load<f32>(z + (<usize>j << 2)));
  // eⱼ (kept in grad for now) and their sum s.
  let s: f32 = 0;
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const vmx = f32x4.splat(mx);
    let acc = f32x4.splat(0);
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const e = expv(f32x4.sub(v128.load(z + o), vmx));
      v128.store(g + o, e);
      acc = f32x4.add(acc, e);
    }
    s = hsum(acc);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const e0 = expf(load<f32>(z + o) - mx), e1 = expf(load<f32>(z + o, 4) - mx);
      const e2 = expf(load<f32>(z + o, 8) - mx), e3 = expf(load<f32>(z + o, 12) - mx);
      store<f32>(g + o, e0); store<f32>(g + o, e1, 4); store<f32>(g + o, e2, 8); store<f32>(g + o, e3, 12);
      s0 = s0 + e0; s1 = s1 + e1; s2 = s2 + e2; s3 = s3 + e3;
    }
    s = (s0 + s2) + (s1 + s3);
  }
  for (; j < c; j++) {
    const o = <usize>j << 2;
    const e = expf(load<f32>(z + o) - mx);
    store<f32>(g + o, e);
    s = s + e;
  }
  const lse = logf(s);
  // Loss terms tⱼ·(λ − (zⱼ − μ)) summed in float64, and the gradient.
  let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0;
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const vmx = f32x4.splat(mx), vl = f32x4.splat(lse), vsum = f32x4.splat(s), vs = f32x4.splat(scale);
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const tv = v128.load(t + o);
      const term = f32x4.mul(tv, f32x4.sub(vl, f32x4.sub(v128.load(z + o), vmx)));
      lo = addLanes(lo, term, false);
      hi = addLanes(hi, term, true);
      v128.store(g + o, f32x4.mul(vs, f32x4.sub(f32x4.div(v128.load(g + o), vsum), tv)));
    }
    l0 = f64x2.extract_lane(lo, 0); l1 = f64x2.extract_lane(lo, 1);
    l2 = f64x2.extract_lane(hi, 0); l3 = f64x2.extract_lane(hi, 1);
  } else {
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      l0 += ceTerm(z + o, t + o, g + o, mx, lse, s, scale);
      l1 += ceTerm(z + o + 4, t + o + 4, g + o + 4, mx, lse, s, scale);
      l2 += ceTerm(z + o + 8, t + o + 8, g + o + 8, mx, lse, s, scale);
      l3 += ceTerm(z + o + 12, t + o + 12, g + o + 12, mx, lse, s, scale);
    }
  }
  let l = (l0 + l2) + (l1 + l3);
  for (; j < c; j++) {
    const o = <usize>j << 2;
    l += ceTerm(z + o, t + o, g + o, mx, lse, s, scale);
  }
  return l;
}

// @ts-ignore: decorator
@inline function ceTerm(zp: usize, tp: usize, gp: usize, mx: f32, lse: f32, s: f32, scale: f32): f64 {
  const t = load<f32>(tp);
  const term = t * (lse - (load<f32>(zp) - mx));
  store<f32>(gp, scale * (load<f32>(gp) / s - t));
  return <f64>term;
}

export function softmax_ce_loss_f32(
  logits: usize, target: usize, grad: usize, rows: i32, cols: i32, params: usize,
): f64 {
  const scale = load<f32>(params);
  let total: f64 = 0;
  const rs = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rs;
    total += softmaxRow(logits + o, target + o, grad + o, cols, scale);
  }
  return total;
}

