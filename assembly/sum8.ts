// Helpers of the float64 sums that accumulate float32 terms in eight partial sums held as four
// f64x2 (reduce.ts, lbfgs.ts): the order they fix is described in reduce.ts.

// The four f32 lanes of v as two f64x2: lanes (0, 1) and (2, 3).
// @ts-ignore: decorator
@inline export function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
// @ts-ignore: decorator
@inline export function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
}

// The fixed combination of eight partial sums held as four f64x2: a = (s0, s1), b = (s2, s3),
// c = (s4, s5), d = (s6, s7).
// @ts-ignore: decorator
@inline export function combine(a: v128, b: v128, c: v128, d: v128): f64 {
  const t = f64x2.add(f64x2.add(a, c), f64x2.add(b, d));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}
