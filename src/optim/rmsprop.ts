/**
 * RMSprop (Hinton, Srivastava & Swersky, 2012, "Neural Networks for Machine Learning", lecture
 * 6e, https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf), centered as in
 * Graves (2013, https://arxiv.org/abs/1308.0850), with the semantics of `torch.optim.RMSprop` 2.11.
 *
 * Per element (g negated first when `maximize`, λ = weightDecay, μ = momentum):
 * ```
 * g ← g + λ·p                                  (when λ ≠ 0)
 * v ← α·v + (1 − α)·g²
 * ḡ ← lerp(ḡ, g, 1 − α)                       (centered only)
 * a = √(v − ḡ²) + ε   if centered,   √v + ε   otherwise
 * b ← μ·b + g/a,  p ← p − lr·b                 (μ > 0)
 * p ← p − lr·g/a                               (μ = 0)
 * lerp(x, y, w) = x + w·(y − x) if |w| < ½, else y − (1 − w)·(y − x)   (torch's lerp)
 * ```
 * State: `square_avg` (v), `momentum_buffer` (b, when μ > 0), `grad_avg` (ḡ, when centered); all
 * start at 0.
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { setPlainScalars } from './option-fields.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const PLAIN = scalars('rmsprop_f32');
const WITH_MOMENTUM = scalars('rmsprop_momentum_f32');

/** Options of {@link RMSprop}, as passed to its constructor: every field optional, defaults as noted (`opt.paramGroups` holds them resolved). */
export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Smoothing constant α of the running averages. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Weight decay λ (L2 penalty added to the gradient). Default 0. */
  weightDecay?: number;
  /** Momentum factor μ. Default 0. */
  momentum?: number;
  /** Normalize by an estimate of the gradient's variance (v − ḡ²) instead of v. Default false. */
  centered?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

const SCHEMA: Schema<Required<RMSpropOptions>> = {
  lr: nonNegative,
  alpha: nonNegative,
  eps: nonNegative,
  weightDecay: nonNegative,
  momentum: nonNegative,
  centered: bool,
  maximize: bool,
};

const DEFAULTS: Required<RMSpropOptions> = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/**
 * RMSprop: divides the gradient by a running root mean square of recent gradients.
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false.
 *
 * @example
 * const opt = new RMSprop(params, { lr: 1e-3, momentum: 0.9, centered: true });
 * opt.step();
 */
export class RMSprop extends Optimizer<Required<RMSpropOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<RMSpropOptions, 'rmsprop'> = {
    key: 'rmsprop',
    optionSets: [
      { lr: 0.01 },
      { lr: 0.01, centered: true },
      { lr: 0.01, momentum: 0.9, maximize: true },
      { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.01 },
    ],
    playground: { rate: 'adaptive', checked: true },
  };

  constructor(params: ParamsInput<RMSpropOptions>, options?: RMSpropOptions) {
    super(params, options, { name: 'RMSprop', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(o: Required<RMSpropOptions>): readonly string[] {
    const names = ['square_avg'];
    if (o.momentum > 0) names.push('momentum_buffer');
    if (o.centered) names.push('grad_avg');
    return names;
  }

  protected optionalBuffers(): readonly string[] {
    return ['momentum_buffer', 'grad_avg'];
  }

  protected stepRun(o: Required<RMSpropOptions>, run: Run, k: Kernels): void {
    const s = o.momentum > 0 ? WITH_MOMENTUM : PLAIN;
    setPlainScalars(s, o);
    s.alpha = o.alpha;
    s.oneMinusAlpha = 1 - o.alpha;
    const { square_avg: v, grad_avg: a, momentum_buffer: b } = run.buffers as Record<string, number>;
    if (o.momentum > 0) {
      const m = WITH_MOMENTUM;
      m.momentum = o.momentum;
      if (o.centered) k.rmsprop_centered_momentum_f32(run.offset, run.gradOffset, v!, a!, b!, run.n, m);
      else k.rmsprop_momentum_f32(run.offset, run.gradOffset, v!, b!, run.n, m);
    } else if (o.centered) {
      k.rmsprop_centered_f32(run.offset, run.gradOffset, v!, a!, run.n, PLAIN);
    } else {
      k.rmsprop_f32(run.offset, run.gradOffset, v!, run.n, PLAIN);
    }
  }

}
