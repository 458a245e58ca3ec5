/**
 * Muon as a JavaScript user would write it from the paper and torch's code: Float32Arrays, f64
 * arithmetic, plain triple loops (i-k-j order for the row-major products), Newton–Schulz in
 * float32 storage (no bfloat16: JS has none). The matrix is the parameter viewed with the shape
 * the benchmark gives it (the registration's `shape`).
 */
import { Muon } from '../../../optim/muon.js';
import type { Hyper, IdiomaticFactory } from '../idiomatic.js';

const num = (h: Hyper, key: string, fallback: number): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);

/** The matrix shape of a benchmark parameter of `n` elements. */
export function benchShape(n: number): [number, number] {
  const s = Muon.registration.shape(n, 0);
  return [s[0]!, s[1]!];
}

const muon: IdiomaticFactory = (p, g, h) => {
  const [rows, cols] = benchShape(p.length);
  const lr = num(h, 'lr', 1e-3), wd = num(h, 'weightDecay', 0.1), mu = num(h, 'momentum', 0.95), eps = num(h, 'eps', 1e-7);
  const steps = num(h, 'nsSteps', 5), nesterov = h.nesterov !== false;
  const [a, b, c] = Array.isArray(h.nsCoefficients) ? (h.nsCoefficients as [number, number, number]) : [3.4445, -4.775, 2.0315];
  const ratio = h.adjustLrFn === 'match_rms_adamw' ? 0.2 * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, rows / cols));
  const tr = rows > cols;
  const m = tr ? cols : rows, k = tr ? rows : cols, n = p.length;
  const buf = new Float32Array(n), u = new Float32Array(n);
  let X = new Float32Array(n), Y = new Float32Array(n);
  const A = new Float32Array(m * m), B = new Float32Array(m * m);
  return {
    step() {
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const bi = mu * buf[i]! + (1 - mu) * g[i]!;
        buf[i] = bi;
        const ui = nesterov ? mu * bi + (1 - mu) * g[i]! : bi;
        u[i] = ui;
        ss += ui * ui;
      }
      const scale = 1 / Math.max(Math.sqrt(ss), eps);
      for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) X[tr ? q * rows + r : r * cols + q] = u[r * cols + q]! * scale;
      for (let s = 0; s < steps; s++) {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < m; j++) {
            let d = 0;
            for (let z = 0; z < k; z++) d += X[i * k + z]! * X[j * k + z]!;
            A[i * m + j] = d;
          }
        }
        for (let i = 0; i < m * m; i++) B[i] = b * A[i]!;
        for (let i = 0; i < m; i++) {
          for (let z = 0; z < m; z++) {
            const t = c * A[i * m + z]!;
            for (let j = 0; j < m; j++) B[i * m + j]! += t * A[z * m + j]!;
          }
        }
        for (let i = 0; i < n; i++) Y[i] = a * X[i]!;
        for (let i = 0; i < m; i++) {
          for (let z = 0; z < m; z++) {
            const t = B[i * m + z]!;
            for (let j = 0; j < k; j++) Y[i * k + j]! += t * X[z * k + j]!;
          }
        }
        [X, Y] = [Y, X];
      }
      const decay = 1 - lr * wd, step = lr * ratio;
      for (let r = 0; r < rows; r++) {
        for (let q = 0; q < cols; q++) {
          const i = r * cols + q;
          p[i] = p[i]! * decay - step * X[tr ? q * rows + r : i]!;
        }
      }
    },
  };
};

export default muon;
