/**
 * Pure-JS reference for assembly/roofline.ts, the benchmark's bandwidth ceiling: Adam's memory
 * access pattern (reads p, g, m, v; writes p, m, v) with trivial arithmetic,
 * `d = a·g; m += d; v += d; p += d`, each operation rounded with Math.fround so it agrees with
 * the WebAssembly kernels bit for bit. Not an optimizer: `bench/` times it to say what fraction
 * of the attainable memory bandwidth each optimizer reaches.
 *
 * @example
 * const s = engine.kernels.roofline_f32.scalars();
 * s.a = 1e-7;
 * engine.kernels.roofline_f32(p, g, m, v, n, s); // byte offsets, n floats each
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function roofline(h: Heap, param: number, grad: number, m: number, v: number, n: number, a: number): void {
  const x = h.f32;
  const P = param >> 2, G = grad >> 2, M = m >> 2, V = v >> 2;
  for (let i = 0; i < n; i++) {
    const d = f(a * x[G + i]!);
    x[M + i] = f(x[M + i]! + d);
    x[V + i] = f(x[V + i]! + d);
    x[P + i] = f(x[P + i]! + d);
  }
}

export const roofline_f32 = kernel({ pointers: { param: 'elementwise', grad: 'elementwise', m: 'elementwise', v: 'elementwise' }, scalars: ['a'] }, (h, param, grad, m, v, n, s) =>
  roofline(h, param, grad, m, v, n, s.a),
);
