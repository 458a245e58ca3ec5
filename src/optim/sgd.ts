/**
 * Stochastic gradient descent with momentum (Polyak, 1964), dampening and Nesterov momentum
 * (Sutskever et al., 2013, http://proceedings.mlr.press/v28/sutskever13.html), with the
 * semantics of `torch.optim.SGD` 2.11.
 *
 * Per element (g negated when `maximize`, λ = weightDecay, μ = momentum, τ = dampening):
 * ```
 * g ← g + λ·p
 * b ← g                                 on the first step (μ ≠ 0)
 * b ← μ·b + (1 − τ)·g                   afterwards
 * p ← p − lr·(nesterov ? g + μ·b : b)   (p ← p − lr·g when μ = 0)
 * ```
 * State: `momentum_buffer` (b), only when μ ≠ 0.
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const PLAIN = scalars('sgd_f32');
const MOMENTUM = scalars('sgd_momentum_f32');
const NESTEROV = scalars('sgd_nesterov_f32');

/** Options of {@link SGD}, as passed to its constructor: every field optional, defaults as noted (`opt.paramGroups` holds them resolved). */
export interface SGDOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Momentum factor μ. Default 0. */
  momentum?: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening?: number;
  /** Weight decay λ (L2 penalty). Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

const SCHEMA: Schema<Required<SGDOptions>> = {
  lr: nonNegative,
  momentum: nonNegative,
  dampening: nonNegative,
  weightDecay: nonNegative,
  nesterov: bool,
  maximize: bool,
};

const DEFAULTS: Required<SGDOptions> = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };

/**
 * SGD.
 *
 * @example
 * const opt = new SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true });
 * opt.step();
 */
export class SGD extends Optimizer<Required<SGDOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<SGDOptions, 'sgd'> = {
    key: 'sgd',
    optionSets: [
      { lr: 0.1 },
      { lr: 0.05, weightDecay: 0.1, maximize: true },
      { lr: 0.05, momentum: 0.9 },
      { lr: 0.05, momentum: 0.9, dampening: 0.5, weightDecay: 0.01 },
      { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01, maximize: true },
    ],
    bench: [{ name: 'sgd-momentum', options: { lr: 1e-2, momentum: 0.9 } }],
    playground: { rate: 'plain', options: { momentum: 0.9 }, checked: true },
  };

  constructor(params: ParamsInput<SGDOptions>, options?: SGDOptions) {
    super(params, options, { name: 'SGD', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected checkGroup(o: Required<SGDOptions>, where: string): void {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(`${where}: nesterov requires momentum > 0 and dampening = 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
    }
  }

  protected bufferNames(o: Required<SGDOptions>): readonly string[] {
    return o.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected optionalBuffers(): readonly string[] {
    return ['momentum_buffer'];
  }

  protected stepRun(o: Required<SGDOptions>, run: Run, k: Kernels): void {
    const gradSign = o.maximize ? -1 : 1;
    if (o.momentum === 0) {
      const s = PLAIN;
      s.gradSign = gradSign;
      s.l2 = o.weightDecay;
      s.negLr = -o.lr;
      k.sgd_f32(run.offset, run.gradOffset, run.n, s);
      return;
    }
    // First use of the buffer (first step, or momentum switched on later): b = 0·b + 1·g = g
    // exactly (the buffer starts zeroed), as torch's clone of the gradient.
    const first = run.step === 1 || run.fresh?.has('momentum_buffer') === true;
    const s = o.nesterov ? NESTEROV : MOMENTUM;
    s.gradSign = gradSign;
    s.l2 = o.weightDecay;
    s.momentum = first ? 0 : o.momentum;
    s.oneMinusDampening = first ? 1 : 1 - o.dampening;
    s.negLr = -o.lr;
    const b = run.buffers.momentum_buffer!;
    if (o.nesterov) {
      NESTEROV.nesterovMomentum = o.momentum;
      k.sgd_nesterov_f32(run.offset, run.gradOffset, b, run.n, NESTEROV);
    } else {
      k.sgd_momentum_f32(run.offset, run.gradOffset, b, run.n, MOMENTUM);
    }
  }

}
