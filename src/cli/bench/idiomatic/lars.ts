/**
 * LARS as a JS user would write it from optax's `lars`: a loop for the two norms, then one for
 * the update with momentum, f64 arithmetic.
 */
import type { IdiomaticFactory } from '../idiomatic.js';

const lars: IdiomaticFactory = (p, g, h) => {
  const lr = h.lr as number, mu = h.momentum as number, tc = h.trustCoefficient as number, eps = h.eps as number;
  const wd = h.weightDecayMask === false ? 0 : (h.weightDecay as number);
  const trust = h.trustRatioMask !== false, nesterov = h.nesterov === true;
  const buf = new Float32Array(p.length);
  return {
    step() {
      let r = 1;
      if (trust) {
        let uu = 0, pp = 0;
        for (let i = 0; i < p.length; i++) {
          const u = g[i]! + wd * p[i]!;
          uu += u * u;
          pp += p[i]! * p[i]!;
        }
        const un = Math.sqrt(uu), pn = Math.sqrt(pp);
        if (un > 0 && pn > 0) r = (tc * pn) / (un + eps);
      }
      for (let i = 0; i < p.length; i++) {
        const u = -lr * r * (g[i]! + wd * p[i]!);
        const b = u + mu * buf[i]!;
        buf[i] = b;
        p[i] = p[i]! + (nesterov ? u + mu * b : b);
      }
    },
  };
};

export default lars;
