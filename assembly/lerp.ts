// torch's lerp(x, y, w): x + w·(y − x) when |w| < 0.5, else y + (w − 1)·(y − x) (so w = 1 gives y
// exactly). The form depends on w only, so a kernel picks it once per call (`small`, a constant at
// each call site) and each form compiles to its own branch-free loop. Written as one expression,
// base + c·(y − x), with the coefficient c from lerpCoefficient.
// Not re-exported from index.ts: these are building blocks, not kernels.

// @ts-ignore: decorator
@inline export function lerpIsSmall(w: f32): bool {
  return Mathf.abs(w) < 0.5;
}

// @ts-ignore: decorator
@inline export function lerpCoefficient(w: f32, small: bool): f32 {
  return small ? w : w - 1;
}

// @ts-ignore: decorator
@inline export function lerpOne(x: f32, y: f32, c: f32, small: bool): f32 {
  return select<f32>(x, y, small) + c * (y - x);
}

// @ts-ignore: decorator
@inline export function lerpVec(x: v128, y: v128, c: v128, small: bool): v128 {
  return f32x4.add(small ? x : y, f32x4.mul(c, f32x4.sub(y, x)));
}
