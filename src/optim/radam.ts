/**
 * RAdam: Adam with a rectified adaptive learning rate (Liu et al., 2020, "On the Variance of the
 * Adaptive Learning Rate and Beyond", https://arxiv.org/abs/1908.03265), with the semantics of
 * `torch.optim.RAdam` 2.11 (single-tensor path).
 *
 * Per element, at step t (g negated when `maximize`, λ = weightDecay):
 * ```
 * p ← p·(1 − lr·λ)                     if decoupledWeightDecay (RAdamW)
 * g ← g + λ·p                          otherwise (L2), when λ ≠ 0
 * m ← m + (1 − β1)(g − m)              v ← β2·v + (1 − β2)·g²
 * ρ∞ = 2/(1 − β2) − 1                  ρt = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
 * if ρt > 5:  r = √((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt))
 *             p ← p − lr·r·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)
 * else:       p ← p − lr/(1 − β1ᵗ) · m           (momentum SGD while the variance is intractable)
 * ```
 * With the default β2 = 0.999 the first 5 steps are unrectified.
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, decoupledWeightDecay false,
 * maximize false. State: `exp_avg` (m), `exp_avg_sq` (v).
 */
import { type Kernels } from '../wasm/kernels.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { betas, bool, nonNegative, type Schema } from './validate.js';

const f = Math.fround;

/** Options of {@link RAdam}, as passed to its constructor: every field optional, defaults as noted (`opt.paramGroups` holds them resolved). */
export interface RAdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates [β1, β2] of the moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Weight decay λ (L2, or decoupled when `decoupledWeightDecay`). Default 0. */
  weightDecay?: number;
  /** Decay the weights directly (RAdamW) instead of adding λ·p to the gradient. Default false. */
  decoupledWeightDecay?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

const SCHEMA: Schema<Required<RAdamOptions>> = {
  lr: nonNegative,
  betas,
  eps: nonNegative,
  weightDecay: nonNegative,
  decoupledWeightDecay: bool,
  maximize: bool,
};

const DEFAULTS: Required<RAdamOptions> = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  decoupledWeightDecay: false,
  maximize: false,
};

/**
 * The step factor of RAdam at step `t`: `rectified` tells whether ρt > 5, `scale` is the
 * multiplier of m (lr·r·√(1 − β2ᵗ)/(1 − β1ᵗ) when rectified, else lr/(1 − β1ᵗ)), before the sign.
 */
export function radamStepScale(lr: number, beta1: number, beta2: number, t: number): { rectified: boolean; scale: number } {
  const bc1 = 1 - beta1 ** t;
  const bc2 = 1 - beta2 ** t;
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * t * beta2 ** t) / bc2;
  if (rhoT > 5) {
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    return { rectified: true, scale: ((lr * rect) * Math.sqrt(bc2)) / bc1 };
  }
  return { rectified: false, scale: lr / bc1 };
}

/**
 * RAdam.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new RAdam([w, b], { lr: 1e-3 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class RAdam extends Optimizer<Required<RAdamOptions>> {
  constructor(params: ParamsInput<RAdamOptions>, options?: RAdamOptions) {
    super(params, options, { name: 'RAdam', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected stepRun(o: Required<RAdamOptions>, run: Run, k: Kernels): void {
    const { lr, eps, weightDecay: wd } = o;
    const [b1, b2] = o.betas;
    const { rectified, scale } = radamStepScale(lr, b1, b2, run.step);
    const gs = o.maximize ? -1 : 1;
    const l2 = o.decoupledWeightDecay ? 0 : f(wd);
    const decay = o.decoupledWeightDecay ? f(1 - lr * wd) : 1;
    const { exp_avg: m, exp_avg_sq: v } = run.buffers as Record<string, number>;
    const args = [run.offset, run.gradOffset, m!, v!, run.n, gs, l2, decay, f(1 - b1), f(b2), f(1 - b2), f(-scale)] as const;
    if (rectified) k.radam_f32(...args, f(eps));
    else k.radam_unrectified_f32(...args);
  }
}
