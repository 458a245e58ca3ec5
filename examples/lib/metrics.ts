/** Classification metrics from network outputs. */

/** Binary metrics with class 1 as positive; `logits` are pre-sigmoid scores (positive ⇔ p > 0.5). */
export function binaryMetrics(logits: ArrayLike<number>, labels: ArrayLike<number>): { accuracy: number; precision: number; recall: number; f1: number } {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const pred = logits[i]! > 0 ? 1 : 0;
    const y = labels[i]! > 0.5 ? 1 : 0;
    if (pred === 1 && y === 1) tp++;
    else if (pred === 1) fp++;
    else if (y === 1) fn++;
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    accuracy: (tp + tn) / Math.max(1, labels.length),
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/** Index of the largest of each row of `cols` values. */
export function argmaxRows(values: ArrayLike<number>, cols: number): Int32Array {
  const rows = Math.floor(values.length / cols);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c]! > values[r * cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Share of rows whose argmax equals the label. */
export function accuracy(outputs: ArrayLike<number>, labels: ArrayLike<number>, cols: number): number {
  const pred = argmaxRows(outputs, cols);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / Math.max(1, pred.length);
}
