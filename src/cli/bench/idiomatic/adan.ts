/**
 * Adan as a JS user would write it from optax's `adan` (the library's semantics: the gradient
 * difference weighted by 1 − β2, see the Adan class): one loop, f64 arithmetic, bias corrections
 * hoisted out of the loop.
 */
import type { IdiomaticFactory } from '../idiomatic.js';

const adan: IdiomaticFactory = (p, g, h) => {
  const lr = h.lr as number, eps = h.eps as number, epsRoot = h.epsRoot as number, wd = h.weightDecay as number;
  const [b1, b2, b3] = h.betas as [number, number, number];
  const m = new Float32Array(p.length), v = new Float32Array(p.length), n = new Float32Array(p.length);
  const prev = new Float32Array(p.length);
  let t = 0;
  return {
    step() {
      t++;
      const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t, bc3 = 1 - b3 ** t;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const d = t === 1 ? 0 : gi - prev[i]!;
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = b2 * v[i]! + (1 - b2) * d;
        const s = gi + (1 - b2) * d;
        const ni = b3 * n[i]! + (1 - b3) * s * s;
        m[i] = mi;
        v[i] = vi;
        n[i] = ni;
        prev[i] = gi;
        const u = (mi / bc1 + ((1 - b2) * vi) / bc2) / (Math.sqrt(ni / bc3 + epsRoot) + eps);
        p[i] = p[i]! - lr * (u + wd * p[i]!);
      }
    },
  };
};

export default adan;
