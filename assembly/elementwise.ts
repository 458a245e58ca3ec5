// Elementwise float32 kernels for the training toolkit (clipping, accumulation, EMA):
//
//   scale_f32    x ← a·x
//   clamp_f32    t ← x < lo ? lo : x;  x ← hi < t ? hi : t   (NaN stays NaN; = min(max(x, lo), hi)
//                except for the sign of a zero when lo = +0 or hi = −0)
//   axpby_f32    y ← a·y + b·x                    (accumulation: a = b = 1; EMA: a = d, b = 1 − d)
//   copy_f32     dst ← src                        (non-overlapping, or dst before src)
//   swap_f32     a ↔ b                            (non-overlapping)
//
// Each runs a v128 main loop (SIMD build only) and a scalar tail, which is the whole loop in the
// scalar build; the JS reference repeats the same operations with Math.fround.

// @ts-ignore: decorator
@inline function scaleOne(p: usize, a: f32): void {
  store<f32>(p, load<f32>(p) * a);
}

export function scale_f32(x: usize, n: i32, params: usize): void {
  const a = load<f32>(params);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      const p = x + (<usize>i << 2);
      v128.store(p, f32x4.mul(v128.load(p), va));
    }
  }
  for (; i < n; i++) scaleOne(x + (<usize>i << 2), a);
}

// @ts-ignore: decorator
@inline function clampOne(p: usize, lo: f32, hi: f32): void {
  const x = load<f32>(p);
  const t = x < lo ? lo : x;
  store<f32>(p, hi < t ? hi : t);
}

export function clamp_f32(x: usize, n: i32, params: usize): void {
  const lo = load<f32>(params), hi = load<f32>(params, 4);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
    for (; i + 4 <= n; i += 4) {
      const p = x + (<usize>i << 2);
      // pmax(a, b) = a < b ? b : a and pmin(a, b) = b < a ? b : a: one instruction each on x86,
      // where the NaN-propagating f32x4.max / min take several.
      v128.store(p, f32x4.pmin(f32x4.pmax(v128.load(p), vlo), vhi));
    }
  }
  for (; i < n; i++) clampOne(x + (<usize>i << 2), lo, hi);
}

// @ts-ignore: decorator
@inline function axpbyOne(yp: usize, xp: usize, a: f32, b: f32): void {
  store<f32>(yp, a * load<f32>(yp) + b * load<f32>(xp));
}

export function axpby_f32(y: usize, x: usize, n: i32, params: usize): void {
  const a = load<f32>(params), b = load<f32>(params, 4);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a), vb = f32x4.splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(f32x4.mul(va, v128.load(y + o)), f32x4.mul(vb, v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    axpbyOne(y + o, x + o, a, b);
  }
}

export function copy_f32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, v128.load(src + o));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<u32>(dst + o, load<u32>(src + o));
  }
}

// @ts-ignore: decorator
@inline function swapOne(ap: usize, bp: usize): void {
  const t = load<u32>(ap);
  store<u32>(ap, load<u32>(bp));
  store<u32>(bp, t);
}

export function swap_f32(a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const t = v128.load(a + o);
      v128.store(a + o, v128.load(b + o));
      v128.store(b + o, t);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    swapOne(a + o, b + o);
  }
}

