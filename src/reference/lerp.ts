/**
 * torch's lerp(x, y, w) for the references, as assembly/lerp.ts: x + w·(y − x) when |w| < 0.5,
 * else y + (w − 1)·(y − x), written as base + c·(y − x) with every operation rounded to float32.
 * Not re-exported from index.ts: the kernel table takes only kernels.
 */
const f = Math.fround;

export function lerpIsSmall(w: number): boolean {
  return Math.abs(w) < 0.5;
}

/** The coefficient c for weight `w` (already a float32 value). */
export function lerpCoefficient(w: number, small: boolean): number {
  return small ? w : f(w - 1);
}

export function lerp(x: number, y: number, c: number, small: boolean): number {
  return f((small ? x : y) + f(c * f(y - x)));
}
