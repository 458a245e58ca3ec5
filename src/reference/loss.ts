/**
 * Pure-JS reference for assembly/loss.ts: same operations in the same order (float32 rounding
 * with Math.fround; loss terms summed in float64 in the four-partial-sum order), bit for bit equal
 * to the WebAssembly kernels. Each writes the gradient of scale·Σ terms into `grad` and returns
 * the unscaled float64 sum of the terms.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { expf, logf } from './fmath.js';

const f = Math.fround;

/** Sums terms(i) for i in [0, n) in the fixed order: partial sums i % 4, (s0+s2)+(s1+s3), tail. */
function orderedSum(n: number, term: (i: number) => number): number {
  const n4 = n & ~3;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < n4; i += 4) {
    s0 += term(i);
    s1 += term(i + 1);
    s2 += term(i + 2);
    s3 += term(i + 3);
  }
  let s = (s0 + s2) + (s1 + s3);
  for (let i = n4; i < n; i++) s += term(i);
  return s;
}

/** d = p − t; grad = scale·d; returns Σ d² (float64). */
function mseLoss(h: Heap, pred: number, target: number, grad: number, n: number, scale: number): number {
  const a = h.f32;
  const P = pred >> 2, T = target >> 2, G = grad >> 2;
  return orderedSum(n, (i) => {
    const d = f(a[P + i]! - a[T + i]!);
    a[G + i] = f(scale * d);
    return d * d;
  });
}

/** Binary cross-entropy on logits z with targets t; grad = scale·(σ(z) − t); returns Σ terms. */
function bceLogitsLoss(h: Heap, logits: number, target: number, grad: number, n: number, scale: number): number {
  const a = h.f32;
  const Z = logits >> 2, T = target >> 2, G = grad >> 2;
  return orderedSum(n, (i) => {
    const z = a[Z + i]!, t = a[T + i]!;
    const e = expf(-Math.abs(z));
    const u = f(1 + e);
    const term = f(f(Math.max(z, 0) - f(z * t)) + logf(u));
    const sig = z >= 0 ? f(1 / u) : f(e / u);
    a[G + i] = f(scale * f(sig - t));
    return term;
  });
}

/** Softmax cross-entropy over rows×cols logits and target probabilities; returns Σ row losses. */
function softmaxCeLoss(
  h: Heap, logits: number, target: number, grad: number, rows: number, cols: number, scale: number,
): number {
  const a = h.f32;
  const c4 = cols & ~3;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const Z = (logits >> 2) + r * cols, T = (target >> 2) + r * cols, G = (grad >> 2) + r * cols;
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) mx = Math.max(mx, a[Z + j]!);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const e = (j: number) => {
      const v = expf(f(a[Z + j]! - mx));
      a[G + j] = v;
      return v;
    };
    let j = 0;
    for (; j < c4; j += 4) {
      s0 = f(s0 + e(j));
      s1 = f(s1 + e(j + 1));
      s2 = f(s2 + e(j + 2));
      s3 = f(s3 + e(j + 3));
    }
    let s = f(f(s0 + s2) + f(s1 + s3));
    for (; j < cols; j++) s = f(s + e(j));
    const lse = logf(s);
    total += orderedSum(cols, (k) => {
      const t = a[T + k]!;
      const term = f(t * f(lse - f(a[Z + k]! - mx)));
      a[G + k] = f(scale * f(f(a[G + k]! / s) - t));
      return term;
    });
  }
  return total;
}

export const mse_loss_f32 = kernel({ pointers: { pred: 'reduced', target: 'reduced', grad: 'elementwise' }, scalars: ['scale'], returns: 'f64' }, (h, pred, target, grad, n, s) =>
  mseLoss(h, pred, target, grad, n, s.scale),
);

export const bce_logits_loss_f32 = kernel({ pointers: { logits: 'reduced', target: 'reduced', grad: 'elementwise' }, scalars: ['scale'], returns: 'f64' }, (h, logits, target, grad, n, s) =>
  bceLogitsLoss(h, logits, target, grad, n, s.scale),
);

export const softmax_ce_loss_f32 = kernel({ pointers: { logits: 'reduced', target: 'reduced', grad: 'reduced' }, ints: ['rows', 'cols'], scalars: ['scale'], returns: 'f64' }, (h, logits, target, grad, rows, cols, s) =>
  softmaxCeLoss(h, logits, target, grad, rows, cols, s.scale),
);
