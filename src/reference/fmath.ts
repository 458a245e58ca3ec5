/**
 * Float32 exp and log of assembly/fmath.ts, op for op (Math.fround after every operation), so the
 * pure-JS path agrees with the WebAssembly kernels bit for bit. Helpers of the network kernels;
 * not kernels themselves (src/reference/index.ts does not re-export this file).
 */
const f = Math.fround;

const LOG2E = f(1.44269504088896341);
const C1 = f(0.693359375);
const C2 = f(-2.1219444e-4);

/** Coefficients of the polynomials (highest power first): e^r ≈ (EXP_POLY(r)·r² + r) + 1. */
const EXP_POLY = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
].map(f);
const SQRTHF = f(0.707106781186547524);
/** log(1 + x) ≈ x + (LOG_POLY(x)·x·x² + …): see logf. */
const LOG_POLY = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);

const word = new ArrayBuffer(4);
const asF32 = new Float32Array(word);
const asI32 = new Int32Array(word);

/** Round to nearest, ties to even (WebAssembly `nearest`; Math.round breaks ties upwards). */
export function nearestEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * c[0]·xᵏ + c[1]·xᵏ⁻¹ + … + c[k] by Horner's scheme in float32: at each step one multiply, then one
 * add, each rounded (as WebAssembly's f32 and f32x4 operations, never fused).
 */
function horner(x: number, c: readonly number[]): number {
  let p = c[0]!;
  for (let k = 1; k < c.length; k++) p = f(f(p * x) + c[k]!);
  return p;
}

/** exp(x) in float32: Cephes expf, x clamped to [−87, 88]. */
export function expf(x0: number): number {
  const x = Math.min(Math.max(x0, -87), 88);
  const n = nearestEven(f(x * LOG2E));
  const r = f(f(x - f(n * C1)) - f(n * C2));
  const z = f(r * r);
  const p = horner(r, EXP_POLY);
  const y = f(f(f(p * z) + r) + 1);
  // n is in [−126, 127] for finite x (NaN stays NaN), so 2^n is a normal float32 and exact.
  return f(y * 2 ** n);
}

/** log(x) in float32 for positive normal x: Cephes logf. */
export function logf(x0: number): number {
  asF32[0] = x0;
  const bits = asI32[0]!;
  let e = (bits >>> 23) - 126;
  asI32[0] = (bits & 0x007fffff) | 0x3f000000;
  const m = asF32[0]!;
  let x: number;
  if (m < SQRTHF) {
    e -= 1;
    x = f(f(m + m) - 1);
  } else {
    x = f(m - 1);
  }
  const z = f(x * x);
  let y = horner(x, LOG_POLY);
  y = f(f(y * x) * z);
  y = f(y + f(C2 * e));
  y = f(y + f(-0.5 * z));
  return f(f(x + y) + f(C1 * e));
}
