// Float32 exp and log for the network kernels, built only from operations that WebAssembly and
// JavaScript round identically (+ − × ÷, round-to-nearest-even, exact scaling by powers of two),
// so src/reference/fmath.ts reproduces them bit for bit. Both follow Cephes (expf.c, logf.c):
//
//   exp: x clamped to [−87, 88] (results stay normal floats), n = nearest(x·log2 e),
//        r = (x − n·C1) − n·C2 (Cody–Waite, C1 + C2 = ln 2), e^r by a degree-7 polynomial,
//        result = e^r · 2^n. Relative error about 2 ulp.
//   log: for positive normal x only (the kernels call it on sums ≥ 1): x = m·2^e with
//        m in [√½, √2), log m by a degree-10 polynomial in (m − 1), plus e·ln 2 in two parts.
//
// Scalar (f32) and four-lane (v128) forms do the same operations in the same order.

const LOG2E: f32 = 1.44269504088896341;
const C1: f32 = 0.693359375;
const C2: f32 = -2.12194440e-4;
const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.0;
const E0: f32 = 1.9875691500e-4;
const E1: f32 = 1.3981999507e-3;
const E2: f32 = 8.3334519073e-3;
const E3: f32 = 4.1665795894e-2;
const E4: f32 = 1.6666665459e-1;
const E5: f32 = 5.0000001201e-1;

const SQRTHF: f32 = 0.707106781186547524;
const L0: f32 = 7.0376836292e-2;
const L1: f32 = -1.1514610310e-1;
const L2: f32 = 1.1676998740e-1;
const L3: f32 = -1.2420140846e-1;
const L4: f32 = 1.4249322787e-1;
const L5: f32 = -1.6668057665e-1;
const L6: f32 = 2.0000714765e-1;
const L7: f32 = -2.4999993993e-1;
const L8: f32 = 3.3333331174e-1;

// Polynomials by Horner's scheme, c0·x⁵ + c1·x⁴ + … + c5 and c0·x⁸ + … + c8: at each step one
// multiply, then one add, each rounded (never fused), as src/reference/fmath.ts does them.
// @ts-ignore: decorator
@inline function poly5(x: f32, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32): f32 {
  return ((((c0 * x + c1) * x + c2) * x + c3) * x + c4) * x + c5;
}

// @ts-ignore: decorator
@inline function poly8(x: f32, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32, c8: f32): f32 {
  return ((poly5(x, c0, c1, c2, c3, c4, c5) * x + c6) * x + c7) * x + c8;
}

// One Horner step on four lanes: p·x + c.
// @ts-ignore: decorator
@inline function hornerv(p: v128, x: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(p, x), f32x4.splat(c));
}

// @ts-ignore: decorator
@inline function poly5v(x: v128, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32): v128 {
  return hornerv(hornerv(hornerv(hornerv(hornerv(f32x4.splat(c0), x, c1), x, c2), x, c3), x, c4), x, c5);
}

// @ts-ignore: decorator
@inline function poly8v(x: v128, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32, c8: f32): v128 {
  return hornerv(hornerv(hornerv(poly5v(x, c0, c1, c2, c3, c4, c5), x, c6), x, c7), x, c8);
}

// @ts-ignore: decorator
@inline export function expf(x0: f32): f32 {
  const x = min<f32>(max<f32>(x0, EXP_LO), EXP_HI);
  const n = nearest<f32>(x * LOG2E);
  const r = (x - n * C1) - n * C2;
  const z = r * r;
  const p = poly5(r, E0, E1, E2, E3, E4, E5);
  const y = (p * z + r) + 1.0;
  return y * reinterpret<f32>((<i32>n + 127) << 23);
}

// @ts-ignore: decorator
@inline export function logf(x0: f32): f32 {
  const bits = reinterpret<i32>(x0);
  let e = (bits >>> 23) - 126;
  const m = reinterpret<f32>((bits & 0x007fffff) | 0x3f000000);
  let x: f32;
  if (m < SQRTHF) {
    e -= 1;
    x = (m + m) - 1.0;
  } else {
    x = m - 1.0;
  }
  const fe = <f32>e;
  const z = x * x;
  let y = poly8(x, L0, L1, L2, L3, L4, L5, L6, L7, L8);
  y = (y * x) * z;
  y = y + C2 * fe;
  y = y + -0.5 * z;
  return (x + y) + C1 * fe;
}

// @ts-ignore: decorator
@inline export function expv(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(C1))), f32x4.mul(n, f32x4.splat(C2)));
  const z = f32x4.mul(r, r);
  const p = poly5v(r, E0, E1, E2, E3, E4, E5);
  const y = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

// @ts-ignore: decorator
@inline export function logv(x0: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x0, 23), i32x4.splat(126));
  const m = v128.or(v128.and(x0, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, f32x4.splat(SQRTHF));
  e = i32x4.add(e, small); // lanes of `small` are −1 where m < √½
  const one = f32x4.splat(1.0);
  const x = v128.bitselect(f32x4.sub(f32x4.add(m, m), one), f32x4.sub(m, one), small);
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(x, x);
  let y = poly8v(x, L0, L1, L2, L3, L4, L5, L6, L7, L8);
  y = f32x4.mul(f32x4.mul(y, x), z);
  y = f32x4.add(y, f32x4.mul(f32x4.splat(C2), fe));
  y = f32x4.add(y, f32x4.mul(f32x4.splat(-0.5), z));
  return f32x4.add(f32x4.add(x, y), f32x4.mul(f32x4.splat(C1), fe));
}

/** (v0 + v2) + (v1 + v3): the fixed order in which four float32 partial sums are combined. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 2, 3));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}
