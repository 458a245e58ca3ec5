// Activations and their derivatives, elementwise over n float32s (y may be x; dx may be dy):
//
//   relu_f32              y = max(x, 0)
//   relu_backward_f32     dx = y > 0 ? dy : 0                 (from the output y)
//   sigmoid_f32           y = 1 / (1 + exp(−x))
//   sigmoid_backward_f32  dx = dy · (y · (1 − y))
//   tanh_f32              y = 1 − 2 / (exp(2x) + 1)           (absolute error below 1e-7)
//   tanh_backward_f32     dx = dy · (1 − y · y)
//
// exp is the shared float32 exp of ./fmath, which the JS reference reproduces bit for bit.
import { expf, expv } from './fmath';

// @ts-ignore: decorator
@inline function reluOne(x: f32): f32 {
  return max<f32>(x, 0);
}

// @ts-ignore: decorator
@inline function sigmoidOne(x: f32): f32 {
  return 1.0 / (1.0 + expf(-x));
}

// @ts-ignore: decorator
@inline function tanhOne(x: f32): f32 {
  return 1.0 - 2.0 / (expf(x + x) + 1.0);
}

export function relu_f32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.max(v128.load(x + o), zero));
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), reluOne(load<f32>(x + (<usize>i << 2))));
}

// @ts-ignore: decorator
@inline function reluBackOne(y: usize, dy: usize, dx: usize): void {
  store<f32>(dx, load<f32>(y) > 0 ? load<f32>(dy) : 0);
}

export function relu_backward_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    reluBackOne(y + o, dy + o, dx + o);
  }
}

export function sigmoid_f32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.div(one, f32x4.add(one, expv(f32x4.neg(v128.load(x + o))))));
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), sigmoidOne(load<f32>(x + (<usize>i << 2))));
}

// @ts-ignore: decorator
@inline function sigmoidBackOne(y: usize, dy: usize, dx: usize): void {
  const v = load<f32>(y);
  store<f32>(dx, load<f32>(dy) * (v * (1.0 - v)));
}

export function sigmoid_backward_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(y + o);
      v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.mul(v, f32x4.sub(one, v))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    sigmoidBackOne(y + o, dy + o, dx + o);
  }
}

export function tanh_f32(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0), two = f32x4.splat(2.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      v128.store(y + o, f32x4.sub(one, f32x4.div(two, f32x4.add(expv(f32x4.add(v, v)), one))));
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), tanhOne(load<f32>(x + (<usize>i << 2))));
}

// @ts-ignore: decorator
@inline function tanhBackOne(y: usize, dy: usize, dx: usize): void {
  const v = load<f32>(y);
  store<f32>(dx, load<f32>(dy) * (1.0 - v * v));
}

export function tanh_backward_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(y + o);
      v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.sub(one, f32x4.mul(v, v))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    tanhBackOne(y + o, dy + o, dx + o);
  }
}

