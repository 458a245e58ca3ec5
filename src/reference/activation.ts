/**
 * Pure-JS reference for assembly/activation.ts (same operations, same order, Math.fround after
 * each), bit for bit equal to the WebAssembly kernels. Pointers are byte offsets; y may be x and
 * dx may be dy.
 */
import type { Heap } from '../memory/heap.js';
import { expf } from './fmath.js';

const f = Math.fround;

/** y = max(x, 0). */
export function relu_f32(h: Heap, x: number, y: number, n: number): void {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  for (let i = 0; i < n; i++) a[Y + i] = Math.max(a[X + i]!, 0);
}

/** dx = y > 0 ? dy : 0. */
export function relu_backward_f32(h: Heap, y: number, dy: number, dx: number, n: number): void {
  const a = h.f32;
  const Y = y >> 2, D = dy >> 2, X = dx >> 2;
  for (let i = 0; i < n; i++) a[X + i] = a[Y + i]! > 0 ? a[D + i]! : 0;
}

/** y = 1 / (1 + exp(−x)). */
export function sigmoid_f32(h: Heap, x: number, y: number, n: number): void {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  for (let i = 0; i < n; i++) a[Y + i] = f(1 / f(1 + expf(-a[X + i]!)));
}

/** dx = dy · (y · (1 − y)). */
export function sigmoid_backward_f32(h: Heap, y: number, dy: number, dx: number, n: number): void {
  const a = h.f32;
  const Y = y >> 2, D = dy >> 2, X = dx >> 2;
  for (let i = 0; i < n; i++) {
    const v = a[Y + i]!;
    a[X + i] = f(a[D + i]! * f(v * f(1 - v)));
  }
}

/** y = 1 − 2 / (exp(2x) + 1). */
export function tanh_f32(h: Heap, x: number, y: number, n: number): void {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  for (let i = 0; i < n; i++) {
    const v = a[X + i]!;
    a[Y + i] = f(1 - f(2 / f(expf(f(v + v)) + 1)));
  }
}

/** dx = dy · (1 − y · y). */
export function tanh_backward_f32(h: Heap, y: number, dy: number, dx: number, n: number): void {
  const a = h.f32;
  const Y = y >> 2, D = dy >> 2, X = dx >> 2;
  for (let i = 0; i < n; i++) {
    const v = a[Y + i]!;
    a[X + i] = f(a[D + i]! * f(1 - f(v * v)));
  }
}
