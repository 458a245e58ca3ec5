/**
 * Bias corrections as optax computes them: `1 − β**t` in float32 — β rounded to float32 first
 * (a Python float meets a float32 array), the power rounded, then the difference rounded.
 */
const f = Math.fround;

/** `fround(1 − fround(fround(β)ᵗ))`, optax's `bias_correction` denominator at step `t`. */
export function optaxBiasCorrection(beta: number, t: number): number {
  return f(1 - f(Math.pow(f(beta), t)));
}

/** The unit roundoff of a double, 2⁻⁵³. */
const U = 2 ** -53;
/** Steps a run of powers goes before it is seeded again with `**` (keeps the error bound small). */
const RESEED = 4096;
/** Below this a power counts as 0 (with this error): 2⁻²⁰⁰, far above the subnormals. */
const TINY = 2 ** -200;

/**
 * β^t for one run's consecutive steps at one multiplication per step, with a bound on how far it
 * is from `β ** t` (what torch's formulas compute, and what the step computed before): seeded with
 * `β ** t` whenever the step did not advance by exactly one (the first step, a loaded state), and
 * every {@link RESEED} steps. The corrections below use it only where the bound proves the float32
 * the kernel receives is the one `β ** t` gives, so the bits never change. Results are fields, not
 * return values: a double returned from a call the compiler did not inline is a heap allocation.
 */
export class Powers {
  readonly b: number;
  #t = NaN;
  #k = 0;
  // Both start as non-integers so that their fields hold doubles from the start (a field that
  // starts as a small integer changes representation at the first step).
  /** β^t at the last {@link Powers.advance}. */
  q = 0.5;
  /** A bound on |q − β ** t|. */
  err = 0.5;
  constructor(b: number) {
    this.b = b;
  }

  /** Moves to step `t` (an integer ≥ 0). */
  advance(t: number): void {
    const b = this.b;
    if (t === this.#t + 1 && this.#k < RESEED) {
      this.q *= b;
      this.#k++;
    } else if (t !== this.#t) {
      this.q = b ** t;
      this.#k = 0;
    }
    this.#t = t;
    const q = this.q;
    if (Math.abs(q) < TINY && Math.abs(b) <= 1) {
      // |β ** t| < 2⁻²⁰⁰ from here on (|β| ≤ 1): 0 within TINY, and no arithmetic on subnormals
      // (slow on most processors) — 1 − q is 1 long before this.
      this.q = 0;
      this.err = TINY;
    } else {
      // k roundings of 2⁻⁵³ relative each, the seed's and `**`'s own error (a few ulps at most;
      // 32u is generous), with slack for the products of the small terms.
      this.err = (this.#k + 32) * U * 1.01 * Math.abs(q);
    }
  }
}

/**
 * Adam's bias corrections for one run: `−lr / (1 − β1 ** t)` and `1 / √(1 − β2 ** t)`, written
 * as float32 with exactly the bits those expressions give, at a few multiplications per step
 * instead of two `**` (tens of ns each in V8).
 */
export class AdamCorrections {
  lr: number;
  p1: Powers;
  p2: Powers;
  constructor(lr: number, b1: number, b2: number) {
    this.lr = lr;
    this.p1 = new Powers(b1);
    this.p2 = new Powers(b2);
  }

  /** Takes new options, keeping the running powers of an unchanged β. */
  update(lr: number, b1: number, b2: number): void {
    this.lr = lr;
    if (!Object.is(this.p1.b, b1)) this.p1 = new Powers(b1);
    if (!Object.is(this.p2.b, b2)) this.p2 = new Powers(b2);
  }

  /** `out[neg] ← −lr / (1 − β1 ** t)`, `out[inv] ← 1 / √(1 − β2 ** t)` (float32 stores). */
  write(t: number, out: Float32Array, neg: number, inv: number): void {
    const lr = this.lr, p1 = this.p1, p2 = this.p2;
    p1.advance(t);
    p2.advance(t);
    // Each value d is within e of the reference (the powers' error over 1 − q, and a few
    // roundings of −, / and √, doubled); when [d − e, d + e] rounds to one float32, so does the
    // reference. Otherwise (rare) the reference itself.
    const s1 = 1 - p1.q;
    const d1 = -lr / s1;
    const e1 = 2 * (p1.err / s1 + 8 * U) * Math.abs(d1);
    out[neg] = s1 > 0 && Math.fround(d1 - e1) === Math.fround(d1 + e1) ? d1 : -lr / (1 - p1.b ** t);
    const s2 = 1 - p2.q;
    const d2 = 1 / Math.sqrt(s2);
    const e2 = 2 * (p2.err / s2 + 8 * U) * d2;
    out[inv] = s2 > 0 && Math.fround(d2 - e2) === Math.fround(d2 + e2) ? d2 : 1 / Math.sqrt(1 - p2.b ** t);
  }
}
