/**
 * Adafactor as a JavaScript user would write it from the paper and torch's documentation:
 * Float32Arrays, f64 arithmetic, per-step scalars hoisted, one scratch array for the update U.
 * The parameter is viewed with the shape the benchmark gives it (the registration's `shape`): a
 * matrix gets row and column statistics, a vector one per element.
 */
import { Adafactor } from '../../../optim/adafactor.js';
import type { Hyper, IdiomaticFactory } from '../idiomatic.js';

const num = (h: Hyper, key: string, fallback: number): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);

const adafactor: IdiomaticFactory = (p, g, h) => {
  const n = p.length;
  const shape = Adafactor.registration.shape(n, 0);
  const factored = shape.length >= 2;
  const rows = factored ? shape[shape.length - 2]! : 1, cols = factored ? shape[shape.length - 1]! : n;
  const batch = factored && rows * cols > 0 ? n / (rows * cols) : 0;
  const lr = num(h, 'lr', 1e-2), tau = num(h, 'beta2Decay', -0.8), d = num(h, 'd', 1), wd = num(h, 'weightDecay', 0);
  const eps: [number | null, number] = Array.isArray(h.eps) ? (h.eps as [number | null, number]) : [null, 1e-3];
  const eps1 = eps[0] ?? 2 ** -23, eps2 = eps[1];
  const sign = h.maximize === true ? -1 : 1;
  const r = new Float32Array(batch * rows), c = new Float32Array(batch * cols), v = new Float32Array(factored ? 0 : n);
  const u = new Float32Array(n), colSums = new Float64Array(cols);
  let t = 0;
  return {
    step() {
      t++;
      const w = t ** tau;
      const rho = Math.min(lr, 1 / Math.sqrt(t));
      let pp = 0;
      for (let i = 0; i < n; i++) pp += p[i]! * p[i]!;
      const alpha = Math.max(eps2, Math.sqrt(pp / n)) * rho;
      let uu = 0;
      if (factored) {
        for (let b = 0; b < batch; b++) {
          const o = b * rows * cols;
          colSums.fill(0);
          let rowTotal = 0;
          for (let i = 0; i < rows; i++) {
            let s = 0;
            for (let j = 0; j < cols; j++) {
              const x = g[o + i * cols + j]!;
              s += x * x;
              colSums[j]! += x * x;
            }
            const ri = r[b * rows + i]! + w * (s / cols - r[b * rows + i]!);
            r[b * rows + i] = ri;
            rowTotal += ri;
          }
          for (let j = 0; j < cols; j++) c[b * cols + j] = c[b * cols + j]! + w * (colSums[j]! / rows - c[b * cols + j]!);
          const den = Math.max(rowTotal / rows, eps1);
          for (let i = 0; i < rows; i++) {
            const ri = r[b * rows + i]! / den;
            for (let j = 0; j < cols; j++) {
              const k = o + i * cols + j;
              const uk = (sign * g[k]!) / Math.max(Math.sqrt(ri * c[b * cols + j]!), eps1);
              u[k] = uk;
              uu += uk * uk;
            }
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const gi = sign * g[i]!;
          const vi = v[i]! + w * (gi * gi - v[i]!);
          v[i] = vi;
          const ui = gi / Math.max(Math.sqrt(vi), eps1);
          u[i] = ui;
          uu += ui * ui;
        }
      }
      const step = alpha / Math.max(1, Math.sqrt(uu / n) / d);
      const decay = 1 - lr * wd;
      for (let i = 0; i < n; i++) p[i] = p[i]! * decay - step * u[i]!;
    },
  };
};

export default adafactor;
