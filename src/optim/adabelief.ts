/**
 * AdaBelief (Zhuang et al., 2020, AdaBelief Optimizer: Adapting Stepsizes by the Belief in
 * Observed Gradients, https://arxiv.org/abs/2010.07468), with the semantics of
 * `optax.adabelief` 0.2.8: `chain(scale_by_belief(b1, b2, eps, eps_root),
 * scale_by_learning_rate(lr))`, float32 throughout.
 *
 * Per element at step t (g negated first when `maximize`):
 * ```
 * m ← (1 − β1)·g + β1·m
 * s ← (1 − β2)·(g − m)² + β2·s + ε_root      (g − m with the updated m, as optax)
 * p ← p − lr · (m / (1 − β1ᵗ)) / (√(s / (1 − β2ᵗ)) + ε)
 * ```
 * Where Adam scales by the gradient's second moment, AdaBelief scales by its variance around the
 * prediction m ("belief"): steps are large where the gradient is predictable.
 *
 * State: `exp_avg` (m), `exp_avg_sq` (s).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import { optaxBiasCorrection } from './bias-correction.js';
import type { Registration } from './registration.js';
import { setDecayRateScalars } from './option-fields.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { betas, bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const BELIEF = scalars('adabelief_f32');

/**
 * Options of {@link AdaBelief}, as passed to its constructor: every field optional, defaults as
 * noted (`opt.paramGroups` holds them resolved). Defaults of the common fields: lr 1e-3, maximize false.
 */
export interface AdaBeliefOptions extends CommonOptions {
  /** Decay rates [β1, β2] of m and s, each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator outside the square root. Default 1e-16, as optax. */
  eps?: number;
  /** Added to s at every step (inside the square root). Default 1e-16, as optax. */
  epsRoot?: number;
}

const SCHEMA: Schema<Required<AdaBeliefOptions>> = { lr: nonNegative, betas, eps: nonNegative, epsRoot: nonNegative, maximize: bool };

const DEFAULTS: Required<AdaBeliefOptions> = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16, epsRoot: 1e-16, maximize: false };

/**
 * AdaBelief.
 *
 * @example
 * const opt = new AdaBelief(engine.parameters([[256, 10], [10]]), { lr: 1e-3 });
 * opt.step();
 */
export class AdaBelief extends Optimizer<Required<AdaBeliefOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdaBeliefOptions, 'adabelief'> = {
    key: 'adabelief',
    optionSets: [{ lr: 1e-2 }, { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-8, maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<AdaBeliefOptions>, options?: AdaBeliefOptions) {
    super(params, options, { name: 'AdaBelief', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected stepRun(o: Required<AdaBeliefOptions>, run: Run, k: Kernels): void {
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const bc1 = optaxBiasCorrection(b1, run.step);
    const bc2 = optaxBiasCorrection(b2, run.step);
    const s = BELIEF;
    setDecayRateScalars(s, o);
    s.epsRoot = o.epsRoot;
    s.negStep = f(-o.lr) / bc1;
    s.invBc2Sqrt = 1 / Math.sqrt(bc2);
    s.eps = o.eps;
    const { exp_avg: m, exp_avg_sq: v } = run.buffers as Record<string, number>;
    k.adabelief_f32(run.offset, run.gradOffset, m!, v!, run.n, s);
  }

}
