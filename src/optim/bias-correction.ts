/**
 * Bias corrections as optax computes them: `1 − β**t` in float32 — β rounded to float32 first
 * (a Python float meets a float32 array), the power rounded, then the difference rounded.
 */
const f = Math.fround;

/** `fround(1 − fround(fround(β)ᵗ))`, optax's `bias_correction` denominator at step `t`. */
export function optaxBiasCorrection(beta: number, t: number): number {
  return f(1 - f(Math.pow(f(beta), t)));
}
