/**
 * Pure-JS reference for assembly/activation.ts (same operations, same order, Math.fround after
 * each), bit for bit equal to the WebAssembly kernels. Pointers are byte offsets; y may be x and
 * dx may be dy.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { expf } from './fmath.js';

const f = Math.fround;

/** y = max(x, 0). */
function relu(h: Heap, x: number, y: number, n: number): void {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  for (let i = 0; i < n; i++) a[Y + i] = Math.max(a[X + i]!, 0);
}

/** dx = y > 0 ? dy : 0. */
function reluBackward(h: Heap, y: number, dy: number, dx: number, n: number): void {
  const a = h.f32;
  const Y = y >> 2, D = dy >> 2, X = dx >> 2;
  for (let i = 0; i < n; i++) a[X + i] = a[Y + i]! > 0 ? a[D + i]! : 0;
}

/** y = 1 / (1 + exp(−x)). */
function sigmoid(h: Heap, x: number, y: number, n: number): void {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  for (let i = 0; i < n; i++) a[Y + i] = f(1 / f(1 + expf(-a[X + i]!)));
}

/** dx = dy · (y · (1 − y)). */
function sigmoidBackward(h: Heap, y: number, dy: number, dx: number, n: number): void {
  const a = h.f32;
  const Y = y >> 2, D = dy >> 2, X = dx >> 2;
  for (let i = 0; i < n; i++) {
    const v = a[Y + i]!;
    a[X + i] = f(a[D + i]! * f(v * f(1 - v)));
  }
}

/** y = 1 − 2 / (exp(2x) + 1). */
function tanh(h: Heap, x: number, y: number, n: number): void {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  for (let i = 0; i < n; i++) {
    const v = a[X + i]!;
    a[Y + i] = f(1 - f(2 / f(expf(f(v + v)) + 1)));
  }
}

/** dx = dy · (1 − y · y). */
function tanhBackward(h: Heap, y: number, dy: number, dx: number, n: number): void {
  const a = h.f32;
  const Y = y >> 2, D = dy >> 2, X = dx >> 2;
  for (let i = 0; i < n; i++) {
    const v = a[Y + i]!;
    a[X + i] = f(a[D + i]! * f(1 - f(v * v)));
  }
}

export const relu_f32 = kernel({ pointers: { x: 'elementwise', y: 'elementwise' } }, (h, x, y, n) =>
  relu(h, x, y, n),
);

export const sigmoid_f32 = kernel({ pointers: { x: 'elementwise', y: 'elementwise' } }, (h, x, y, n) =>
  sigmoid(h, x, y, n),
);

export const tanh_f32 = kernel({ pointers: { x: 'elementwise', y: 'elementwise' } }, (h, x, y, n) =>
  tanh(h, x, y, n),
);

export const relu_backward_f32 = kernel({ pointers: { y: 'elementwise', dy: 'elementwise', dx: 'elementwise' } }, (h, y, dy, dx, n) =>
  reluBackward(h, y, dy, dx, n),
);

export const sigmoid_backward_f32 = kernel({ pointers: { y: 'elementwise', dy: 'elementwise', dx: 'elementwise' } }, (h, y, dy, dx, n) =>
  sigmoidBackward(h, y, dy, dx, n),
);

export const tanh_backward_f32 = kernel({ pointers: { y: 'elementwise', dy: 'elementwise', dx: 'elementwise' } }, (h, y, dy, dx, n) =>
  tanhBackward(h, y, dy, dx, n),
);
