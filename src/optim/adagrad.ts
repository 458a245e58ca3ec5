/**
 * Adagrad (Duchi, Hazan & Singer, 2011, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", https://jmlr.org/papers/v12/duchi11a.html), with the semantics of
 * `torch.optim.Adagrad` 2.11.
 *
 * Per element, at step t (g negated first when `maximize`, λ = weightDecay):
 * ```
 * g ← g + λ·p                                  (when λ ≠ 0)
 * clr = lr / (1 + (t − 1)·lrDecay)
 * s ← s + g²                                   (s starts at initialAccumulatorValue)
 * p ← p − clr · g / (√s + ε)
 * ```
 * State: `sum` (s).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const ADAGRAD = scalars('adagrad_f32');

/** Options of {@link Adagrad}, as passed to its constructor: every field optional, defaults as noted (`opt.paramGroups` holds them resolved). */
export interface AdagradOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay). Default 0. */
  lrDecay?: number;
  /** Weight decay λ (L2 penalty added to the gradient). Default 0. */
  weightDecay?: number;
  /** Initial value of every element of the `sum` accumulator. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to √s for stability. Default 1e-10. */
  eps?: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

const SCHEMA: Schema<Required<AdagradOptions>> = {
  lr: nonNegative,
  lrDecay: nonNegative,
  weightDecay: nonNegative,
  initialAccumulatorValue: nonNegative,
  eps: nonNegative,
  maximize: bool,
};

const DEFAULTS: Required<AdagradOptions> = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/**
 * Adagrad: per-element step sizes that shrink with the sum of the squared gradients seen so far.
 * Defaults: lr 1e-2, lrDecay 0, weightDecay 0, initialAccumulatorValue 0, eps 1e-10.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new Adagrad([w, b], { lr: 0.1, initialAccumulatorValue: 0.1 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class Adagrad extends Optimizer<Required<AdagradOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdagradOptions, 'adagrad'> = {
    key: 'adagrad',
    optionSets: [{ lr: 0.1 }, { lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1, weightDecay: 0.01, eps: 1e-6, maximize: true }],
    playground: { rate: 'adaptive', checked: true },
  };

  constructor(params: ParamsInput<AdagradOptions>, options?: AdagradOptions) {
    super(params, options, { name: 'Adagrad', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['sum'];
  }

  protected initRun(o: Required<AdagradOptions>, run: Run, heap: Float32Array): void {
    const at = run.buffers.sum! >> 2;
    heap.fill(f(o.initialAccumulatorValue), at, at + run.n);
  }

  protected stepRun(o: Required<AdagradOptions>, run: Run, k: Kernels): void {
    const s = ADAGRAD;
    s.gradSign = o.maximize ? -1 : 1;
    s.l2 = o.weightDecay;
    s.negClr = -o.lr / (1 + (run.step - 1) * o.lrDecay);
    s.eps = o.eps;
    k.adagrad_f32(run.offset, run.gradOffset, run.buffers.sum!, run.n, s);
  }

}
