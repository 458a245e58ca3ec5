/**
 * The four-lane summation order of the per-tensor norm kernels (lamb_moments_f32,
 * lars_norms_f32): element i of the vector part into lane i % 4, lanes combined as
 * (s0 + s2) + (s1 + s3), tail elements added after in order; each square rounded to float32.
 */
const f = Math.fround;

/** Four values whose squares are 1e-18 … 1e-2 apart: every other grouping of their sum gives another f64. */
export const LANE_P4 = [0.0390625, 1.0244548320770264e-8, 2.0954757928848267e-9, 0.09375] as const;

/** Σ fl(x²) in the kernels' lane order. */
export function laneSum(xs: ArrayLike<number>): number {
  const sq = (x: number): number => f(x * x);
  const n4 = xs.length & ~3;
  const s = [0, 0, 0, 0];
  for (let i = 0; i < n4; i++) s[i & 3] = s[i & 3]! + sq(xs[i]!);
  let t = s[0]! + s[2]! + (s[1]! + s[3]!);
  for (let i = n4; i < xs.length; i++) t += sq(xs[i]!);
  return t;
}
