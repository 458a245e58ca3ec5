/**
 * RAdam: Adam with a rectified adaptive learning rate (Liu et al., 2020, "On the Variance of the
 * Adaptive Learning Rate and Beyond", https://arxiv.org/abs/1908.03265), with the semantics of
 * `torch.optim.RAdam` 2.11 (single-tensor path).
 *
 * Per element, at step t (g negated when `maximize`, λ = weightDecay):
 * ```
 * p ← p·(1 − lr·λ)                     if decoupledWeightDecay (RAdamW)
 * g ← g + λ·p                          otherwise (L2), when λ ≠ 0
 * m ← lerp(m, g, 1 − β1)               v ← β2·v + (1 − β2)·g²
 * ρ∞ = 2/(1 − β2) − 1                  ρt = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
 * if ρt > 5:  r = √((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt))
 *             p ← p − lr·r·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)
 * else:       p ← p − lr/(1 − β1ᵗ) · m           (momentum SGD while the variance is intractable)
 * lerp(x, y, w) = x + w·(y − x) if |w| < ½, else y − (1 − w)·(y − x)   (torch's lerp)
 * ```
 * With the default β2 = 0.999 the first 5 steps are unrectified.
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, decoupledWeightDecay false,
 * maximize false. State: `exp_avg` (m), `exp_avg_sq` (v).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { MOMENT_SCHEMA, momentDefaults, setMomentScalars } from './option-fields.js';
import type { DecoupledOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, type Schema } from '../validation/index.js';

const RECTIFIED = scalars('radam_f32');
const UNRECTIFIED = scalars('radam_unrectified_f32');

/**
 * Options of {@link RAdam}, as passed to its constructor: every field optional (`opt.paramGroups`
 * holds them resolved). Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0,
 * decoupledWeightDecay false, maximize false.
 */
export interface RAdamOptions extends DecoupledOptions {}

const SCHEMA: Schema<Required<RAdamOptions>> = { ...MOMENT_SCHEMA, decoupledWeightDecay: bool, maximize: bool };

const DEFAULTS: Required<RAdamOptions> = { ...momentDefaults(1e-3), decoupledWeightDecay: false, maximize: false };

/**
 * The step factor of RAdam at step `t`: `rectified` tells whether ρt > 5, `scale` is the
 * multiplier of m (lr·r·√(1 − β2ᵗ)/(1 − β1ᵗ) when rectified, else lr/(1 − β1ᵗ)), before the sign.
 */
export function radamStepScale(
  lr: number,
  beta1: number,
  beta2: number,
  t: number,
): {
  /** Whether the variance is tractable (ρt > 5) and the adaptive, rectified step is taken. */
  rectified: boolean;
  /** The step's scale: lr·r/(1 − β1ᵗ) when rectified, else lr/(1 − β1ᵗ). */
  scale: number;
} {
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
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<RAdamOptions, 'radam'> = {
    key: 'radam',
    optionSets: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true }, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1 }],
    // Its first steps are un-normalised momentum steps: the plain rate suits them.
    playground: { rate: 'plain', scale: 5 },
  };

  constructor(params: ParamsInput<RAdamOptions>, options?: RAdamOptions) {
    super(params, options, { name: 'RAdam', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected stepRun(o: Required<RAdamOptions>, run: Run, k: Kernels): void {
    const { lr, eps } = o;
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const { rectified, scale } = radamStepScale(lr, b1, b2, run.step);
    const s = rectified ? RECTIFIED : UNRECTIFIED;
    setMomentScalars(s, o);
    s.negStep = -scale;
    const { exp_avg: m, exp_avg_sq: v } = run.buffers as Record<string, number>;
    if (rectified) {
      RECTIFIED.eps = eps;
      k.radam_f32(run.offset, run.gradOffset, m!, v!, run.n, RECTIFIED);
    } else {
      k.radam_unrectified_f32(run.offset, run.gradOffset, m!, v!, run.n, UNRECTIFIED);
    }
  }

}
