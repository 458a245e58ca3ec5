/**
 * LAMB, layer-wise adaptive moments (You et al., 2020, Large Batch Optimization for Deep
 * Learning: Training BERT in 76 minutes, https://arxiv.org/abs/1904.00962), with the semantics of
 * `optax.lamb` 0.2.8: `chain(scale_by_adam(b1, b2, eps, eps_root),
 * add_decayed_weights(weight_decay), scale_by_trust_ratio(), scale_by_learning_rate(lr))`,
 * float32 throughout.
 *
 * Per element at step t (g negated first when `maximize`; λ = weightDecay):
 * ```
 * m ← (1 − β1)·g + β1·m                v ← (1 − β2)·g² + β2·v
 * u ← (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ) + ε_root) + ε) + λ·p
 * p ← p − lr · tr · u                  tr = ‖p‖₂ / ‖u‖₂ of the whole tensor (1 if either is 0)
 * ```
 * The trust ratio is computed per tensor (per `Parameter`), as optax does per leaf, so each
 * layer moves by about lr times its own norm whatever the scale of its gradients.
 *
 * State: `exp_avg` (m), `exp_avg_sq` (v).
 */
import { SCRATCH_OFFSET } from '../engine.js';
import { type Kernels, scalars } from '../wasm/kernels.js';
import { optaxBiasCorrection } from './bias-correction.js';
import type { Registration } from './registration.js';
import { setTrustRatio } from './trust-ratio.js';
import type { MomentOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { betas, bool, nonNegative, type Schema } from '../validation/index.js';

const MOMENTS = scalars('lamb_moments_f32');
const APPLY = scalars('lamb_apply_f32');

/**
 * Options of {@link Lamb}, as passed to its constructor: every field optional, defaults as noted
 * (`opt.paramGroups` holds them resolved). eps is added outside the square root. Defaults of the
 * common fields: lr 1e-3, betas [0.9, 0.999], eps 1e-6 (as optax), maximize false.
 */
export interface LambOptions extends MomentOptions {
  /** Added to the bias-corrected v inside the square root. Default 0. */
  epsRoot?: number;
  /** Decoupled weight decay λ (added to the Adam direction before the trust ratio). Default 0. */
  weightDecay?: number;
}

const SCHEMA: Schema<Required<LambOptions>> = {
  lr: nonNegative,
  betas,
  eps: nonNegative,
  epsRoot: nonNegative,
  weightDecay: nonNegative,
  maximize: bool,
};

const DEFAULTS: Required<LambOptions> = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, epsRoot: 0, weightDecay: 0, maximize: false };

/**
 * LAMB.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new Lamb([w, b], { lr: 1e-2, weightDecay: 0.01 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class Lamb extends Optimizer<Required<LambOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<LambOptions, 'lamb'> = {
    key: 'lamb',
    optionSets: [{ lr: 1e-2 }, { lr: 1e-2, weightDecay: 0.01, epsRoot: 1e-8, maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<LambOptions>, options?: LambOptions) {
    super(params, options, { name: 'Lamb', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected stepRun(o: Required<LambOptions>, run: Run, k: Kernels): void {
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const s = MOMENTS, a = APPLY;
    s.gradSign = o.maximize ? -1 : 1;
    s.oneMinusB1 = 1 - b1;
    s.b1 = b1;
    s.oneMinusB2 = 1 - b2;
    s.b2 = b2;
    a.invBc1 = s.invBc1 = 1 / optaxBiasCorrection(b1, run.step);
    a.invBc2 = s.invBc2 = 1 / optaxBiasCorrection(b2, run.step);
    a.epsRoot = s.epsRoot = o.epsRoot;
    a.eps = s.eps = o.eps;
    a.weightDecay = s.weightDecay = o.weightDecay;
    a.negLr = -o.lr;
    const { exp_avg: m, exp_avg_sq: v } = run.buffers as Record<string, number>;
    const sums = this.engine.heap;
    for (const p of run.params) {
      const rel = p.offset - run.offset;
      k.lamb_moments_f32(p.offset, p.gradOffset, m! + rel, v! + rel, SCRATCH_OFFSET, p.length, s);
      setTrustRatio(a, sums.f64, 1, 0);
      k.lamb_apply_f32(p.offset, m! + rel, v! + rel, p.length, a);
    }
  }

}
