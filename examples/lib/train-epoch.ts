/**
 * One epoch of mini-batch training for a binary classifier with logits (BCE), in a seeded shuffled
 * order: zero the grads, forward, loss, backward, step — the loop the classification example and
 * the browser playground share. Returns the mean training loss over the epoch.
 */
import type { MLP } from '../../src/nn/mlp.js';
import { batches, gatherRows, type Random } from '../../src/nn/random.js';

export interface EpochBuffers {
  /** batchSize × features rows of input. */
  xb: Float32Array;
  /** batchSize labels. */
  yb: Float32Array;
}

export function trainBinaryEpoch(
  net: MLP,
  opt: { zeroGrad(): void; step(): unknown },
  x: Float32Array,
  y: Float32Array,
  batchSize: number,
  rng: Random,
  { xb, yb }: EpochBuffers,
): number {
  const features = net.inputSize;
  let sum = 0;
  for (const idx of batches(y.length, batchSize, rng)) {
    const rows = idx.length;
    opt.zeroGrad();
    net.forward(gatherRows(x, features, idx, xb).subarray(0, rows * features));
    sum += net.loss('bce-with-logits', gatherRows(y, 1, idx, yb).subarray(0, rows)) * rows;
    net.backward();
    opt.step();
  }
  return sum / y.length;
}
