/**
 * Adamax (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", section 7.1,
 * https://arxiv.org/abs/1412.6980): Adam with the infinity norm in place of the second moment,
 * with the semantics of `torch.optim.Adamax` 2.11.
 *
 * Per element, at step t (g negated first when `maximize`, λ = weightDecay):
 * ```
 * g ← g + λ·p                                  (when λ ≠ 0)
 * m ← lerp(m, g, 1 − β1)
 * u ← max(β2·u, |g| + ε)
 * p ← p − lr/(1 − β1ᵗ) · m/u
 * lerp(x, y, w) = x + w·(y − x) if |w| < ½, else y − (1 − w)·(y − x)   (torch's lerp)
 * ```
 * State: `exp_avg` (m), `exp_inf` (u); both start at 0.
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { MOMENT_SCHEMA, momentDefaults } from './option-fields.js';
import type { MomentOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, type Schema } from '../validation/index.js';

const ADAMAX = scalars('adamax_f32');

/**
 * Options of {@link Adamax}, as passed to its constructor: every field optional (`opt.paramGroups`
 * holds them resolved). β2 decays the infinity norm u, eps is added to |g|, weight decay is the L2
 * penalty. Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, maximize false.
 */
export interface AdamaxOptions extends MomentOptions {}

const SCHEMA: Schema<Required<AdamaxOptions>> = { ...MOMENT_SCHEMA, maximize: bool };

const DEFAULTS: Required<AdamaxOptions> = { ...momentDefaults(2e-3), maximize: false };

/**
 * Adamax. Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 *
 * @example
 * const opt = new Adamax(params, { lr: 2e-3, betas: [0.9, 0.999] });
 * opt.step();
 */
export class Adamax extends Optimizer<Required<AdamaxOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdamaxOptions, 'adamax'> = {
    key: 'adamax',
    optionSets: [{ lr: 0.002 }, { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1, maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<AdamaxOptions>, options?: AdamaxOptions) {
    super(params, options, { name: 'Adamax', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_inf'];
  }

  protected stepRun(o: Required<AdamaxOptions>, run: Run, k: Kernels): void {
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const s = ADAMAX;
    s.gradSign = o.maximize ? -1 : 1;
    s.l2 = o.weightDecay;
    s.oneMinusB1 = 1 - b1;
    s.b2 = b2;
    s.negClr = -o.lr / (1 - b1 ** run.step);
    s.eps = o.eps;
    const { exp_avg: m, exp_inf: u } = run.buffers as Record<string, number>;
    k.adamax_f32(run.offset, run.gradOffset, m!, u!, run.n, s);
  }

}
