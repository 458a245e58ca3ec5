// L-BFGS (torch.optim.LBFGS): the flat-vector operations of the two-loop recursion and of the
// curvature update; the line search and the rest of the scalar logic run in TypeScript.
//
//   lbfgs_dot_f32         Σ x·y
//   lbfgs_axpy_dot_f32    x ← x + a·y, then Σ x·z over the new x     (a step of either loop fused
//                                                                      with the next one's dot)
//   lbfgs_curvature_f32   y = g − prev, s = d·t:  Σ y·s and Σ y·y, written as two f64 at `out`
//   lbfgs_push_f32        y ← g − prev, s ← d·t                       (the new history pair)
//
// Elementwise results are float32, rounded after each operation (a·y, then the sum: no fma).
// Reductions accumulate float32 products in float64 (exact) in one fixed order that the SIMD
// build, the scalar build and the JS reference all follow:
//   elements [0, n & ~7) go to partial sum i % 8,
//   s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)),
//   then the tail elements [n & ~7, n) are added to s in order.

import { combine, high, low } from './sum8';

// @ts-ignore: decorator
@inline function prod(x: f32, y: f32): f64 {
  return <f64>x * <f64>y;
}

/** Σ x[i]·y[i] in float64. */
export function lbfgs_dot_f32(x: usize, y: usize, n: i32): f64 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0), b = f64x2.splat(0), c = f64x2.splat(0), d = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      const u = v128.load(x + o), v = v128.load(y + o), u2 = v128.load(x + o, 16), v2 = v128.load(y + o, 16);
      a = f64x2.add(a, f64x2.mul(low(u), low(v)));
      b = f64x2.add(b, f64x2.mul(high(u), high(v)));
      c = f64x2.add(c, f64x2.mul(low(u2), low(v2)));
      d = f64x2.add(d, f64x2.mul(high(u2), high(v2)));
    }
    let s = combine(a, b, c, d);
    for (; i < n; i++) s += prod(load<f32>(x + (<usize>i << 2)), load<f32>(y + (<usize>i << 2)));
    return s;
  }
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0, s6: f64 = 0, s7: f64 = 0;
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << 2), q = y + (<usize>i << 2);
    s0 += prod(load<f32>(p), load<f32>(q));
    s1 += prod(load<f32>(p, 4), load<f32>(q, 4));
    s2 += prod(load<f32>(p, 8), load<f32>(q, 8));
    s3 += prod(load<f32>(p, 12), load<f32>(q, 12));
    s4 += prod(load<f32>(p, 16), load<f32>(q, 16));
    s5 += prod(load<f32>(p, 20), load<f32>(q, 20));
    s6 += prod(load<f32>(p, 24), load<f32>(q, 24));
    s7 += prod(load<f32>(p, 28), load<f32>(q, 28));
  }
  let s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  for (; i < n; i++) s += prod(load<f32>(x + (<usize>i << 2)), load<f32>(y + (<usize>i << 2)));
  return s;
}

// x ← x + a·y at byte offset o; returns the new x.
// @ts-ignore: decorator
@inline function axpyOne(x: usize, y: usize, o: usize, a: f32): f32 {
  const v = load<f32>(x + o) + a * load<f32>(y + o);
  store<f32>(x + o, v);
  return v;
}

/** x ← x + a·y; returns Σ x[i]·z[i] over the updated x, in float64. */
export function lbfgs_axpy_dot_f32(x: usize, y: usize, z: usize, n: i32, params: usize): f64 {
  const a = load<f32>(params);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a);
    let s01 = f64x2.splat(0), s23 = f64x2.splat(0), s45 = f64x2.splat(0), s67 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      const u = f32x4.add(v128.load(x + o), f32x4.mul(va, v128.load(y + o)));
      const u2 = f32x4.add(v128.load(x + o, 16), f32x4.mul(va, v128.load(y + o, 16)));
      v128.store(x + o, u);
      v128.store(x + o, u2, 16);
      const w = v128.load(z + o), w2 = v128.load(z + o, 16);
      s01 = f64x2.add(s01, f64x2.mul(low(u), low(w)));
      s23 = f64x2.add(s23, f64x2.mul(high(u), high(w)));
      s45 = f64x2.add(s45, f64x2.mul(low(u2), low(w2)));
      s67 = f64x2.add(s67, f64x2.mul(high(u2), high(w2)));
    }
    let s = combine(s01, s23, s45, s67);
    for (; i < n; i++) {
      const o = <usize>i << 2;
      s += prod(axpyOne(x, y, o, a), load<f32>(z + o));
    }
    return s;
  }
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0, s6: f64 = 0, s7: f64 = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    s0 += prod(axpyOne(x, y, o, a), load<f32>(z + o));
    s1 += prod(axpyOne(x, y, o + 4, a), load<f32>(z + o, 4));
    s2 += prod(axpyOne(x, y, o + 8, a), load<f32>(z + o, 8));
    s3 += prod(axpyOne(x, y, o + 12, a), load<f32>(z + o, 12));
    s4 += prod(axpyOne(x, y, o + 16, a), load<f32>(z + o, 16));
    s5 += prod(axpyOne(x, y, o + 20, a), load<f32>(z + o, 20));
    s6 += prod(axpyOne(x, y, o + 24, a), load<f32>(z + o, 24));
    s7 += prod(axpyOne(x, y, o + 28, a), load<f32>(z + o, 28));
  }
  let s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += prod(axpyOne(x, y, o, a), load<f32>(z + o));
  }
  return s;
}

// y = g − prev and s = d·t of the element at byte offset o; y·s and y·y in float64.
// @ts-ignore: decorator
@inline function yOf(g: usize, prev: usize, o: usize): f32 {
  return load<f32>(g + o) - load<f32>(prev + o);
}
// @ts-ignore: decorator
@inline function sOf(d: usize, o: usize, t: f32): f32 {
  return load<f32>(d + o) * t;
}
// @ts-ignore: decorator
@inline function ysOf(g: usize, prev: usize, d: usize, o: usize, t: f32): f64 {
  return prod(yOf(g, prev, o), sOf(d, o, t));
}
// @ts-ignore: decorator
@inline function yyOf(g: usize, prev: usize, o: usize): f64 {
  const y = yOf(g, prev, o);
  return prod(y, y);
}

/** Writes Σ y·s and Σ y·y (y = g − prev, s = d·t) as two f64 at `out`. */
export function lbfgs_curvature_f32(g: usize, prev: usize, d: usize, out: usize, n: i32, params: usize): void {
  const t = load<f32>(params);
  let i = 0;
  let ys: f64 = 0, yy: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vt = f32x4.splat(t);
    let a = f64x2.splat(0), b = f64x2.splat(0), c = f64x2.splat(0), e = f64x2.splat(0);
    let a2 = f64x2.splat(0), b2 = f64x2.splat(0), c2 = f64x2.splat(0), e2 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      const y = f32x4.sub(v128.load(g + o), v128.load(prev + o));
      const y2 = f32x4.sub(v128.load(g + o, 16), v128.load(prev + o, 16));
      const s = f32x4.mul(v128.load(d + o), vt), s2 = f32x4.mul(v128.load(d + o, 16), vt);
      a = f64x2.add(a, f64x2.mul(low(y), low(s)));
      b = f64x2.add(b, f64x2.mul(high(y), high(s)));
      c = f64x2.add(c, f64x2.mul(low(y2), low(s2)));
      e = f64x2.add(e, f64x2.mul(high(y2), high(s2)));
      a2 = f64x2.add(a2, f64x2.mul(low(y), low(y)));
      b2 = f64x2.add(b2, f64x2.mul(high(y), high(y)));
      c2 = f64x2.add(c2, f64x2.mul(low(y2), low(y2)));
      e2 = f64x2.add(e2, f64x2.mul(high(y2), high(y2)));
    }
    ys = combine(a, b, c, e);
    yy = combine(a2, b2, c2, e2);
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0, s6: f64 = 0, s7: f64 = 0;
    let q0: f64 = 0, q1: f64 = 0, q2: f64 = 0, q3: f64 = 0, q4: f64 = 0, q5: f64 = 0, q6: f64 = 0, q7: f64 = 0;
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      s0 += ysOf(g, prev, d, o, t), q0 += yyOf(g, prev, o);
      s1 += ysOf(g, prev, d, o + 4, t), q1 += yyOf(g, prev, o + 4);
      s2 += ysOf(g, prev, d, o + 8, t), q2 += yyOf(g, prev, o + 8);
      s3 += ysOf(g, prev, d, o + 12, t), q3 += yyOf(g, prev, o + 12);
      s4 += ysOf(g, prev, d, o + 16, t), q4 += yyOf(g, prev, o + 16);
      s5 += ysOf(g, prev, d, o + 20, t), q5 += yyOf(g, prev, o + 20);
      s6 += ysOf(g, prev, d, o + 24, t), q6 += yyOf(g, prev, o + 24);
      s7 += ysOf(g, prev, d, o + 28, t), q7 += yyOf(g, prev, o + 28);
    }
    ys = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
    yy = ((q0 + q4) + (q2 + q6)) + ((q1 + q5) + (q3 + q7));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    ys += ysOf(g, prev, d, o, t);
    yy += yyOf(g, prev, o);
  }
  store<f64>(out, ys);
  store<f64>(out, yy, 8);
}

/** y ← g − prev, s ← d·t. */
export function lbfgs_push_f32(g: usize, prev: usize, d: usize, y: usize, s: usize, n: i32, params: usize): void {
  const t = load<f32>(params);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vt = f32x4.splat(t);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.sub(v128.load(g + o), v128.load(prev + o)));
      v128.store(s + o, f32x4.mul(v128.load(d + o), vt));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, yOf(g, prev, o));
    store<f32>(s + o, sOf(d, o, t));
  }
}
