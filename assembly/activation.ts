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
// One loop serves each direction; the activation is a constant at every call site, so each export
// compiles to its own branch-free loops. Each formula stands once per form, four lanes and one.
import { expf, expv } from './fmath';

const RELU = 0;
const SIGMOID = 1;
const TANH = 2;

// @ts-ignore: decorator
@inline function activateVec(f: i32, x: v128): v128 {
  const one = f32x4.splat(1.0);
  if (f == RELU) return f32x4.max(x, f32x4.splat(0));
  if (f == SIGMOID) return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(expv(f32x4.add(x, x)), one)));
}

// @ts-ignore: decorator
@inline function activateOne(f: i32, x: f32): f32 {
  if (f == RELU) return max<f32>(x, 0);
  if (f == SIGMOID) return 1.0 / (1.0 + expf(-x));
  return 1.0 - 2.0 / (expf(x + x) + 1.0);
}

// The derivative from the output y, times dy.
// @ts-ignore: decorator
@inline function derivativeVec(f: i32, y: v128, dy: v128): v128 {
  const one = f32x4.splat(1.0);
  if (f == RELU) return v128.and(dy, f32x4.gt(y, f32x4.splat(0)));
  if (f == SIGMOID) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
  return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
}

// @ts-ignore: decorator
@inline function derivativeOne(f: i32, y: f32, dy: f32): f32 {
  if (f == RELU) return y > 0 ? dy : 0;
  if (f == SIGMOID) return dy * (y * (1.0 - y));
  return dy * (1.0 - y * y);
}

// @ts-ignore: decorator
@inline function forward(f: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, activateVec(f, v128.load(x + o)));
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), activateOne(f, load<f32>(x + (<usize>i << 2))));
}

// @ts-ignore: decorator
@inline function backward(f: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dx + o, derivativeVec(f, v128.load(y + o), v128.load(dy + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, derivativeOne(f, load<f32>(y + o), load<f32>(dy + o)));
  }
}

export function relu_f32(x: usize, y: usize, n: i32): void {
  forward(RELU, x, y, n);
}

export function relu_backward_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  backward(RELU, y, dy, dx, n);
}

export function sigmoid_f32(x: usize, y: usize, n: i32): void {
  forward(SIGMOID, x, y, n);
}

export function sigmoid_backward_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  backward(SIGMOID, y, dy, dx, n);
}

export function tanh_f32(x: usize, y: usize, n: i32): void {
  forward(TANH, x, y, n);
}

export function tanh_backward_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  backward(TANH, y, dy, dx, n);
}
