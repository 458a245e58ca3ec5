// Reductions over float32 arrays (gradient norms, finite checks).
//
// Sums accumulate in float64 in one fixed order that the SIMD build, the scalar build and the JS
// reference all follow, so the three agree bit for bit:
//   elements [0, n & ~3) go to partial sum i % 4 (each partial sum adds its elements in order),
//   s = (s0 + s2) + (s1 + s3), then the tail elements [n & ~3, n) are added to s in order.
// Squares and absolute values of float32 numbers are exact in float64, so only the additions
// round, and they round the same way everywhere.

// @ts-ignore: decorator
@inline function sq(x: f32): f64 {
  const d = <f64>x;
  return d * d;
}

// @ts-ignore: decorator
@inline function ab(x: f32): f64 {
  return Math.abs(<f64>x);
}

// @ts-ignore: decorator
@inline function sumSquares(x: usize, n: i32, simd: bool): f64 {
  let i = 0;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  if (ASC_FEATURE_SIMD && simd) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const a = f64x2.promote_low_f32x4(v);
      const b = f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
      lo = f64x2.add(lo, f64x2.mul(a, a));
      hi = f64x2.add(hi, f64x2.mul(b, b));
    }
    s0 = f64x2.extract_lane(lo, 0);
    s1 = f64x2.extract_lane(lo, 1);
    s2 = f64x2.extract_lane(hi, 0);
    s3 = f64x2.extract_lane(hi, 1);
  }
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 2);
    s0 += sq(load<f32>(p));
    s1 += sq(load<f32>(p, 4));
    s2 += sq(load<f32>(p, 8));
    s3 += sq(load<f32>(p, 12));
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += sq(load<f32>(x + (<usize>i << 2)));
  return s;
}

/** Σ x[i]² in float64. */
export function sum_squares_f32_simd(x: usize, n: i32): f64 {
  return sumSquares(x, n, true);
}

export function sum_squares_f32_scalar(x: usize, n: i32): f64 {
  return sumSquares(x, n, false);
}

// @ts-ignore: decorator
@inline function sumAbs(x: usize, n: i32, simd: bool): f64 {
  let i = 0;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  if (ASC_FEATURE_SIMD && simd) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = f32x4.abs(v128.load(x + (<usize>i << 2)));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1)));
    }
    s0 = f64x2.extract_lane(lo, 0);
    s1 = f64x2.extract_lane(lo, 1);
    s2 = f64x2.extract_lane(hi, 0);
    s3 = f64x2.extract_lane(hi, 1);
  }
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 2);
    s0 += ab(load<f32>(p));
    s1 += ab(load<f32>(p, 4));
    s2 += ab(load<f32>(p, 8));
    s3 += ab(load<f32>(p, 12));
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += ab(load<f32>(x + (<usize>i << 2)));
  return s;
}

/** Σ |x[i]| in float64. */
export function sum_abs_f32_simd(x: usize, n: i32): f64 {
  return sumAbs(x, n, true);
}

export function sum_abs_f32_scalar(x: usize, n: i32): f64 {
  return sumAbs(x, n, false);
}

// max is exact and order-free; NaN anywhere gives NaN (f32.max and f32x4.max propagate it).
// @ts-ignore: decorator
@inline function maxAbs(x: usize, n: i32, simd: bool): f64 {
  let i = 0;
  let m: f32 = 0;
  if (ASC_FEATURE_SIMD && simd) {
    let vm = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) vm = f32x4.max(vm, f32x4.abs(v128.load(x + (<usize>i << 2))));
    m = Mathf.max(
      Mathf.max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 2)),
      Mathf.max(f32x4.extract_lane(vm, 1), f32x4.extract_lane(vm, 3)),
    );
  }
  for (; i < n; i++) m = Mathf.max(m, Mathf.abs(load<f32>(x + (<usize>i << 2))));
  return <f64>m;
}

/** max |x[i]| (0 when n = 0; NaN when any element is NaN). */
export function max_abs_f32_simd(x: usize, n: i32): f64 {
  return maxAbs(x, n, true);
}

export function max_abs_f32_scalar(x: usize, n: i32): f64 {
  return maxAbs(x, n, false);
}

// A float32 is NaN or ±Inf exactly when its exponent bits are all ones.
const EXP_MASK: u32 = 0x7f800000;

// @ts-ignore: decorator
@inline function countNonfinite(x: usize, n: i32, simd: bool): i32 {
  let i = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD && simd) {
    const mask = i32x4.splat(EXP_MASK);
    let acc = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const e = v128.and(v128.load(x + (<usize>i << 2)), mask);
      acc = i32x4.sub(acc, i32x4.eq(e, mask)); // a true lane is −1
    }
    c = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  }
  for (; i < n; i++) c += i32((load<u32>(x + (<usize>i << 2)) & EXP_MASK) == EXP_MASK);
  return c;
}

/** Number of elements that are NaN, +Inf or −Inf. */
export function count_nonfinite_f32_simd(x: usize, n: i32): i32 {
  return countNonfinite(x, n, true);
}

export function count_nonfinite_f32_scalar(x: usize, n: i32): i32 {
  return countNonfinite(x, n, false);
}
