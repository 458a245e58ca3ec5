/**
 * Schedule-Free AdamW as a JavaScript user writes it from the paper (Defazio et al., 2024,
 * Algorithm 1) in optax's form: the array holds y, z and v are arrays of their own, x is
 * recomputed from y and z; f64 arithmetic stored back into float32 arrays, per-step scalars
 * hoisted. Hyperparameters are the library optimizer's resolved param group.
 */
import type { Hyper, IdiomaticFactory } from '../idiomatic.js';

const num = (h: Hyper, key: string, fallback: number): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);

const scheduleFreeAdamW: IdiomaticFactory = (p, g, h) => {
  const lr = num(h, 'lr', 0.0025), eps = num(h, 'eps', 1e-8), wd = num(h, 'weightDecay', 0);
  const power = num(h, 'weightLrPower', 2);
  const warmup = typeof h.warmupSteps === 'number' ? h.warmupSteps : 0;
  const [b1, b2] = Array.isArray(h.betas) ? (h.betas as [number, number]) : [0.9, 0.999];
  const sign = h.maximize === true ? -1 : 1;
  const lrAt = (c: number) => (warmup > 0 ? (lr * Math.min(c, warmup)) / warmup : lr);
  const z = Float32Array.from(p), v = new Float32Array(p.length);
  let t = 0, maxLr = 0, weightSum = 0;
  return {
    step() {
      t++;
      const lrZ = lrAt(t - 1);
      maxLr = Math.max(maxLr, lrAt(t));
      const w = maxLr ** power;
      weightSum += w;
      const c = weightSum > 0 ? w / weightSum : 0;
      const bc2 = 1 - b2 ** t;
      for (let i = 0; i < p.length; i++) {
        const y = p[i]!, gi = sign * g[i]!, zi = z[i]!;
        const vi = b2 * v[i]! + (1 - b2) * gi * gi;
        v[i] = vi;
        const zNext = zi - lrZ * (gi / (Math.sqrt(vi / bc2) + eps) + wd * y);
        const x = (y - (1 - b1) * zi) / b1;
        const xNext = (1 - c) * x + c * zNext;
        z[i] = zNext;
        p[i] = b1 * xNext + (1 - b1) * zNext;
      }
    },
  };
};

export default scheduleFreeAdamW;
