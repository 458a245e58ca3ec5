/**
 * Float32 exp and log of assembly/fmath.ts, op for op (Math.fround after every operation), so the
 * pure-JS path agrees with the WebAssembly kernels bit for bit. Helpers of the network kernels;
 * not kernels themselves (src/reference/index.ts does not re-export this file).
 */
const f = Math.fround;

const LOG2E = f(1.44269504088896341);
const C1 = f(0.693359375);
const C2 = f(-2.1219444e-4);
const E0 = f(1.98756915e-4);
const E1 = f(1.3981999507e-3);
const E2 = f(8.3334519073e-3);
const E3 = f(4.1665795894e-2);
const E4 = f(1.6666665459e-1);
const E5 = f(5.0000001201e-1);

const SQRTHF = f(0.707106781186547524);
const L0 = f(7.0376836292e-2);
const L1 = f(-1.151461031e-1);
const L2 = f(1.167699874e-1);
const L3 = f(-1.2420140846e-1);
const L4 = f(1.4249322787e-1);
const L5 = f(-1.6668057665e-1);
const L6 = f(2.0000714765e-1);
const L7 = f(-2.4999993993e-1);
const L8 = f(3.3333331174e-1);

const word = new ArrayBuffer(4);
const asF32 = new Float32Array(word);
const asI32 = new Int32Array(word);

/** Round to nearest, ties to even (WebAssembly `nearest`; Math.round breaks ties upwards). */
export function nearestEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** exp(x) in float32: Cephes expf, x clamped to [−87, 88]. */
export function expf(x0: number): number {
  const x = Math.min(Math.max(x0, -87), 88);
  const n = nearestEven(f(x * LOG2E));
  const r = f(f(x - f(n * C1)) - f(n * C2));
  const z = f(r * r);
  let p = f(f(E0 * r) + E1);
  p = f(f(p * r) + E2);
  p = f(f(p * r) + E3);
  p = f(f(p * r) + E4);
  p = f(f(p * r) + E5);
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
  let y = f(f(L0 * x) + L1);
  y = f(f(y * x) + L2);
  y = f(f(y * x) + L3);
  y = f(f(y * x) + L4);
  y = f(f(y * x) + L5);
  y = f(f(y * x) + L6);
  y = f(f(y * x) + L7);
  y = f(f(y * x) + L8);
  y = f(f(y * x) * z);
  y = f(y + f(C2 * e));
  y = f(y + f(-0.5 * z));
  return f(f(x + y) + f(C1 * e));
}
