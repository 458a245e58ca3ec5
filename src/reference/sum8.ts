/**
 * The order in which the kernels' float64 sums add their terms (assembly/sum8.ts holds the
 * WebAssembly side): elements [0, n & ~7) into partial sum i % 8, then
 * s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)), then the tail in order. A helper, not a
 * kernel (src/reference/index.ts does not re-export this file).
 */

/**
 * Σ term(i) over i in [0, n) in float64, in the kernels' order, calling term once per i in
 * increasing order: the sums of the reduce and L-BFGS kernels (reduce.ts, lbfgs.ts) share it.
 */
export function sum8(n: number, term: (i: number) => number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += term(i);
    s1 += term(i + 1);
    s2 += term(i + 2);
    s3 += term(i + 3);
    s4 += term(i + 4);
    s5 += term(i + 5);
    s6 += term(i + 6);
    s7 += term(i + 7);
  }
  let s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  for (; i < n; i++) s += term(i);
  return s;
}
