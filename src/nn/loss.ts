/**
 * Loss functions with torch's `reduction='mean'`. Each computes the mean loss of `input` against
 * `target` and writes ∂loss/∂input into `grad`, in one kernel call. Byte offsets into the engine's
 * memory; `rows × cols` floats each.
 *
 * | name                    | loss (mean over …)                                   | ∂/∂input            | torch equivalent      |
 * |-------------------------|------------------------------------------------------|---------------------|-----------------------|
 * | `mse`                   | (x − t)² (all elements)                              | 2(x − t)/N          | `MSELoss`             |
 * | `bce-with-logits`       | max(x,0) − x·t + log(1 + e^(−\|x\|)) (all elements)  | (σ(x) − t)/N        | `BCEWithLogitsLoss`   |
 * | `softmax-cross-entropy` | −Σⱼ tⱼ log softmax(x)ⱼ (rows)                        | (softmax(x) − t)/rows | `CrossEntropyLoss` with probability targets |
 *
 * For `softmax-cross-entropy` give targets as one-hot rows (see {@link oneHot}) or probabilities.
 */
import type { Engine } from '../engine.js';
import { scalars } from '../wasm/kernel-table.js';

const f = Math.fround;

const MSE = scalars('mse_loss_f32');
const BCE = scalars('bce_logits_loss_f32');
const SOFTMAX_CE = scalars('softmax_ce_loss_f32');

/** Losses with torch's mean reduction: mean squared error, binary cross-entropy on logits, softmax cross-entropy. */
export type Loss = 'mse' | 'bce-with-logits' | 'softmax-cross-entropy';

/** Every {@link Loss}, for option checks and menus. */
export const LOSSES: readonly Loss[] = ['mse', 'bce-with-logits', 'softmax-cross-entropy'];

/**
 * Mean loss of input[rows×cols] against target[rows×cols]; writes its gradient into grad
 * (which must not overlap input or target).
 *
 * @example
 * const loss = computeLoss(engine, 'softmax-cross-entropy', logitsOff, targetOff, gradOff, 32, 10);
 */
export function computeLoss(engine: Engine, loss: Loss, input: number, target: number, grad: number, rows: number, cols: number): number {
  const k = engine.kernels;
  if (!LOSSES.includes(loss)) throw new TypeError(`computeLoss: loss must be one of ${LOSSES.join(', ')}, got ${JSON.stringify(loss)}`);
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`computeLoss: rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`computeLoss: cols must be a non-negative integer, got ${cols}`);
  const n = rows * cols;
  if (n === 0) return NaN; // the mean of nothing, as torch
  switch (loss) {
    case 'mse':
      MSE.scale = 2 / n;
      return k.mse_loss_f32(input, target, grad, n, MSE) / n;
    case 'bce-with-logits':
      BCE.scale = 1 / n;
      return k.bce_logits_loss_f32(input, target, grad, n, BCE) / n;
    case 'softmax-cross-entropy':
      SOFTMAX_CE.scale = 1 / rows;
      return k.softmax_ce_loss_f32(input, target, grad, rows, cols, SOFTMAX_CE) / rows;
  }
}

/**
 * One-hot rows for integer class labels: `labels.length × classes` floats.
 *
 * @example
 * oneHot([2, 0], 3); // Float32Array [0, 0, 1, 1, 0, 0]
 */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  if (!Number.isInteger(classes) || classes <= 0) throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`);
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new RangeError(`oneHot: labels[${i}] = ${c} is not a class in [0, ${classes})`);
    out[i * classes + c] = 1;
  }
  return out;
}
