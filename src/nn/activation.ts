/**
 * Activation functions of the dense layers and the kernels that compute them.
 *
 * | name       | y = f(x)                 | ∂L/∂x from y                   |
 * |------------|--------------------------|--------------------------------|
 * | `relu`     | max(x, 0)                | y > 0 ? ∂L/∂y : 0              |
 * | `sigmoid`  | 1 / (1 + e^(−x))         | ∂L/∂y · y(1 − y)               |
 * | `tanh`     | tanh x                   | ∂L/∂y · (1 − y²)               |
 * | `identity` | x                        | ∂L/∂y                          |
 *
 * Derivatives are taken from the output y, so a layer keeps only its activated output.
 */
import type { Engine } from '../engine.js';

/** Elementwise activations of the network: ReLU, logistic sigmoid, tanh, or none. */
export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'identity';

/** Every {@link Activation}, for option checks and menus. */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh', 'identity'];

/** y ← f(x) over n floats at byte offsets x, y (y may equal x). */
export function activationForward(engine: Engine, act: Activation, x: number, y: number, n: number): void {
  const k = engine.kernels;
  switch (act) {
    case 'relu': return k.relu_f32(x, y, n);
    case 'sigmoid': return k.sigmoid_f32(x, y, n);
    case 'tanh': return k.tanh_f32(x, y, n);
    case 'identity': if (x !== y) engine.heap.f32.copyWithin(y >> 2, x >> 2, (x >> 2) + n); return;
  }
}

/** dx ← ∂L/∂x from the output y and dy = ∂L/∂y (dx may equal dy). */
export function activationBackward(engine: Engine, act: Activation, y: number, dy: number, dx: number, n: number): void {
  const k = engine.kernels;
  switch (act) {
    case 'relu': return k.relu_backward_f32(y, dy, dx, n);
    case 'sigmoid': return k.sigmoid_backward_f32(y, dy, dx, n);
    case 'tanh': return k.tanh_backward_f32(y, dy, dx, n);
    case 'identity': if (dx !== dy) engine.heap.f32.copyWithin(dx >> 2, dy >> 2, (dy >> 2) + n); return;
  }
}
