/**
 * The per-tensor trust ratio that LAMB and LARS share (optax's `scale_by_trust_ratio`), from the
 * Σu² and Σp² their norms kernels write as two f64 at `SCRATCH_OFFSET`, float32 throughout.
 */
import { SCRATCH_OFFSET } from '../engine.js';

const f = Math.fround;

/** A float32 Euclidean norm from a sum of squares (the sum rounded to float32 first, as a float32 reduction). */
const norm = (sumSq: number): number => f(Math.sqrt(f(sumSq)));

/**
 * `s.trustRatio ← η·‖p‖ / (‖u‖ + ε)`, 1 if either norm is 0, with ‖u‖ and ‖p‖ from the sums at
 * `SCRATCH_OFFSET` in `f64`; `coefficient` (η) and `eps` already float32. With η = 1 and ε = 0 (LAMB)
 * the value is ‖p‖ / ‖u‖ bit for bit. Written into the struct, not returned: a double returned
 * from a call the compiler did not inline is a heap allocation.
 */
export function setTrustRatio(s: { trustRatio: number }, f64: Float64Array, coefficient: number, eps: number): void {
  const uNorm = norm(f64[SCRATCH_OFFSET >> 3]!);
  const pNorm = norm(f64[(SCRATCH_OFFSET >> 3) + 1]!);
  s.trustRatio = pNorm === 0 || uNorm === 0 ? 1 : f(f(coefficient * pNorm) / f(uNorm + eps));
}
