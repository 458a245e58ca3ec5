/**
 * LARS, layer-wise adaptive rate scaling (You, Gitman & Ginsburg, 2017, Large Batch Training of
 * Convolutional Networks, https://arxiv.org/abs/1708.03888), with the semantics of `optax.lars`
 * 0.2.8: `chain(add_decayed_weights(weight_decay, weight_decay_mask),
 * masked(scale_by_trust_ratio(trust_coefficient, eps), trust_ratio_mask),
 * scale_by_learning_rate(lr), trace(momentum, nesterov))`, float32 throughout.
 *
 * Per element (g negated first when `maximize`; λ = weightDecay, η = trustCoefficient, μ = momentum):
 * ```
 * u ← g + λ·p
 * r = η·‖p‖₂ / (‖u‖₂ + ε) of the whole tensor (1 if either norm is 0, or when trustRatioMask is false)
 * u ← −lr·(u·r)
 * b ← u + μ·b
 * p ← p + b                            (nesterov: p ← p + (u + μ·b), with the new b)
 * ```
 * The trust ratio is computed per tensor (per `Parameter`), as optax does per leaf, so each layer
 * moves by about lr·η times its own norm whatever the scale of its gradients. optax's
 * `weight_decay_mask` and `trust_ratio_mask` (all true by default) select leaves; here the same
 * choice is made per param group: put biases and norm scales in a group with
 * `weightDecayMask: false` (or `weightDecay: 0`) and `trustRatioMask: false`.
 *
 * With weight decay, optax (and so this class) divides by ‖g + λ·p‖ + ε where the paper's
 * Algorithm 1 divides by ‖g‖ + λ·‖p‖ (`scale_by_trust_ratio` takes the norm of the update that
 * `add_decayed_weights` made); without it the two agree.
 *
 * State: `momentum_buffer` (b, optax's `trace`).
 */
import { SCRATCH_OFFSET } from '../engine.js';
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { setTrustRatio } from './trust-ratio.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const NORMS = scalars('lars_norms_f32');
const APPLY = scalars('lars_f32');

/**
 * Options of {@link LARS}, as passed to its constructor: every field optional, defaults as noted
 * (`opt.paramGroups` holds them resolved). Defaults of the common fields: lr 1 (optax has none;
 * with the trust coefficient 1e-3 each step moves a tensor by about lr·1e-3 of its norm),
 * maximize false.
 */
export interface LARSOptions extends CommonOptions {
  /** Weight decay λ, added to the gradient before the trust ratio. Default 0. */
  weightDecay?: number;
  /** Apply the weight decay to this group (optax's `weight_decay_mask`, per group). Default true. */
  weightDecayMask?: boolean;
  /** η, the trust ratio's multiplier. Default 1e-3, as optax. */
  trustCoefficient?: number;
  /** Added to ‖u‖ in the trust ratio's denominator. Default 0, as optax. */
  eps?: number;
  /** Scale this group's updates by the trust ratio (optax's `trust_ratio_mask`, per group; false: r = 1). Default true. */
  trustRatioMask?: boolean;
  /** Momentum μ (optax's `trace` decay). Default 0.9, as optax. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

const SCHEMA: Schema<Required<LARSOptions>> = {
  lr: nonNegative,
  weightDecay: nonNegative,
  weightDecayMask: bool,
  trustCoefficient: nonNegative,
  eps: nonNegative,
  trustRatioMask: bool,
  momentum: nonNegative,
  nesterov: bool,
  maximize: bool,
};

const DEFAULTS: Required<LARSOptions> = {
  lr: 1, weightDecay: 0, weightDecayMask: true, trustCoefficient: 1e-3, eps: 0, trustRatioMask: true, momentum: 0.9, nesterov: false, maximize: false,
};

/**
 * LARS.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new LARS([{ params: [w], weightDecay: 1e-4 }, { params: [b], trustRatioMask: false }], { lr: 1 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class LARS extends Optimizer<Required<LARSOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<LARSOptions, 'lars'> = {
    key: 'lars',
    optionSets: [
      { lr: 0.5 },
      { lr: 0.5, weightDecay: 0.01, maximize: true },
      { lr: 0.3, trustCoefficient: 0.01, eps: 1e-4, momentum: 0.8, nesterov: true },
      { lr: 0.05, weightDecay: 0.1, weightDecayMask: false, trustRatioMask: false, momentum: 0, maximize: true },
    ],
    playground: { rate: 'adaptive', scale: 0.2, options: { trustCoefficient: 1 } },
  };

  constructor(params: ParamsInput<LARSOptions>, options?: LARSOptions) {
    super(params, options, { name: 'LARS', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['momentum_buffer'];
  }

  protected stepRun(o: Required<LARSOptions>, run: Run, k: Kernels): void {
    const a = APPLY, s = NORMS;
    a.gradSign = s.gradSign = o.maximize ? -1 : 1;
    a.weightDecay = s.weightDecay = o.weightDecayMask ? o.weightDecay : 0;
    a.negLr = -o.lr;
    a.momentum = o.momentum;
    const apply = o.nesterov ? k.lars_nesterov_f32 : k.lars_f32;
    const b = run.buffers.momentum_buffer!;
    if (!o.trustRatioMask) {
      a.trustRatio = 1;
      apply(run.offset, run.gradOffset, b, run.n, a);
      return;
    }
    const tc = f(o.trustCoefficient), eps = f(o.eps);
    const sums = this.engine.heap;
    for (const p of run.params) {
      k.lars_norms_f32(p.offset, p.gradOffset, SCRATCH_OFFSET, p.length, s);
      setTrustRatio(a, sums.f64, tc, eps);
      apply(p.offset, p.gradOffset, b + (p.offset - run.offset), p.length, a);
    }
  }
}
