/**
 * Yogi as a JavaScript user would write it from the paper (Zaheer et al. 2018, Algorithm 2, with
 * optax's bias correction): plain Float32Arrays, f64 arithmetic, the step's bias corrections
 * hoisted out of the loop.
 */
import type { IdiomaticFactory } from '../idiomatic.js';

const yogi: IdiomaticFactory = (p, g, h) => {
  const lr = Number(h.lr), eps = Number(h.eps), init = Number(h.initialAccumulatorValue);
  const [b1, b2] = h.betas as [number, number];
  const sign = h.maximize === true ? -1 : 1;
  const m = new Float32Array(p.length).fill(init), v = new Float32Array(p.length).fill(init);
  let t = 0;
  return {
    step() {
      t++;
      const stepSize = lr / (1 - b1 ** t), bc2 = 1 - b2 ** t;
      for (let i = 0; i < p.length; i++) {
        const gi = sign * g[i]!;
        const g2 = gi * gi;
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = v[i]! - (1 - b2) * Math.sign(v[i]! - g2) * g2;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - (stepSize * mi) / (Math.sqrt(vi / bc2) + eps);
      }
    },
  };
};

export default yogi;
