/**
 * ASGD as a JavaScript user would write it from torch's documentation: plain Float32Arrays, f64
 * arithmetic, the step size η and the averaging weight μ hoisted out of the loop.
 */
import type { IdiomaticFactory } from '../idiomatic.js';

const asgd: IdiomaticFactory = (p, g, h) => {
  const lr = Number(h.lr), lambd = Number(h.lambd), alpha = Number(h.alpha), t0 = Number(h.t0);
  const wd = Number(h.weightDecay), sign = h.maximize === true ? -1 : 1;
  const ax = new Float32Array(p.length);
  let t = 0, eta = lr, mu = 1;
  return {
    step() {
      t++;
      const decay = 1 - lambd * eta;
      for (let i = 0; i < p.length; i++) {
        const pi = p[i]! * decay - eta * (sign * g[i]! + wd * p[i]!);
        p[i] = pi;
        ax[i] = mu === 1 ? pi : ax[i]! + mu * (pi - ax[i]!);
      }
      eta = lr / (1 + lambd * lr * t) ** alpha;
      mu = 1 / Math.max(1, t - t0);
    },
  };
};

export default asgd;
