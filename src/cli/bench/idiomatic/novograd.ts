/**
 * NovoGrad as a JavaScript user would write it from the paper (optax's form: ε outside the square
 * root, the first step's moments set from its gradient): Float32Arrays, f64 arithmetic, the
 * tensor's squared gradient norm in one pass and the update in a second.
 */
import type { Hyper, IdiomaticFactory } from '../idiomatic.js';

const num = (h: Hyper, key: string, fallback: number): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);

const novograd: IdiomaticFactory = (p, g, h) => {
  const n = p.length;
  const lr = num(h, 'lr', 1e-3), eps = num(h, 'eps', 1e-6), epsRoot = num(h, 'epsRoot', 0), wd = num(h, 'weightDecay', 0);
  const [b1, b2] = Array.isArray(h.betas) ? (h.betas as [number, number]) : [0.9, 0.25];
  const sign = h.maximize === true ? -1 : 1;
  const m = new Float32Array(n);
  let nu = 0, t = 0;
  return {
    step() {
      t++;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += g[i]! * g[i]!;
      nu = t === 1 ? ss : b2 * nu + (1 - b2) * ss;
      const inv = sign / (Math.sqrt(nu + epsRoot) + eps);
      const keep = t === 1 ? 0 : b1;
      for (let i = 0; i < n; i++) {
        const mi = keep * m[i]! + g[i]! * inv + wd * p[i]!;
        m[i] = mi;
        p[i] = p[i]! - lr * mi;
      }
    },
  };
};

export default novograd;
