/**
 * ASGD: averaged stochastic gradient descent (Polyak & Juditsky, 1992, "Acceleration of
 * Stochastic Approximation by Averaging", https://doi.org/10.1137/0330046), with the step-size
 * schedule and the semantics of `torch.optim.ASGD` 2.11 (single-tensor path, capturable false).
 *
 * Per element, at step t (g negated when `maximize`, λ = lambd, α = alpha, wd = weightDecay):
 * ```
 * g ← g + wd·p                          when wd ≠ 0
 * p ← p·(1 − λ·η)                       η: the run's step size (scalar state `eta`)
 * p ← p − η·g
 * ax ← p                                while μ = 1 (scalar state `mu`)
 * ax ← ax + μ·(p − ax)                  once μ < 1
 * then, for step t + 1, with this step's lr:
 * η ← lr / (1 + λ·lr·t)^α               μ ← 1 / max(1, t − t0)
 * ```
 * η starts at the group's lr at the first step; η and μ are float32, as torch's state tensors. The
 * averaged parameters `ax` never feed back into p: they are the estimate to evaluate, read them
 * from `stateDict().state[i].ax`. ax is a copy of p through step ⌊t0⌋ + 2 and a running
 * average from step ⌊t0⌋ + 3 on (with the default t0 = 1e6: a copy for a million steps).
 * Defaults: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, weightDecay 0, maximize false.
 * State: `ax` (averaged parameters), scalars `eta` (η) and `mu` (μ).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const ASGD_SCALARS = scalars('asgd_f32');

/**
 * Options of {@link ASGD}, as passed to its constructor: every field optional (`opt.paramGroups`
 * holds them resolved). Defaults: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, weightDecay 0,
 * maximize false.
 */
export interface ASGDOptions extends CommonOptions {
  /** λ ≥ 0: the decay term, both the weight shrinkage 1 − λ·η and the rate at which η decays. Default 1e-4. */
  lambd?: number;
  /** α ≥ 0: the power in η = lr / (1 + λ·lr·t)^α. Default 0.75. */
  alpha?: number;
  /** t0 ≥ 0: the step after which averaging starts (μ = 1 / max(1, t − t0)). Default 1e6. */
  t0?: number;
  /** L2 penalty wd ≥ 0: wd·p is added to the gradient. Default 0. */
  weightDecay?: number;
}

const SCHEMA: Schema<Required<ASGDOptions>> = { lr: nonNegative, lambd: nonNegative, alpha: nonNegative, t0: nonNegative, weightDecay: nonNegative, maximize: bool };

const DEFAULTS: Required<ASGDOptions> = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false };

/**
 * ASGD.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new ASGD([w, b], { lr: 1e-2, t0: 100 });
 * // … write w.grad, b.grad, opt.step() …
 * const averaged = opt.stateDict().state[0].ax; // the averaged w
 */
export class ASGD extends Optimizer<Required<ASGDOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<ASGDOptions, 'asgd'> = {
    key: 'asgd',
    optionSets: [
      { lr: 0.01 },
      { lr: 0.05, lambd: 0.5, alpha: 0.6, t0: 1, weightDecay: 0.1, maximize: true },
    ],
    // Averaging from step 3: with the default t0 the kernel only copies p into ax.
    bench: [{ name: 'asgd', options: { t0: 0 } }],
    playground: { rate: 'plain' },
  };

  constructor(params: ParamsInput<ASGDOptions>, options?: ASGDOptions) {
    super(params, options, { name: 'ASGD', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['ax'];
  }

  /** eta is set from the group's lr just before the first step ({@link ASGD.initRun}). */
  protected scalarState(): Record<string, number> {
    return { eta: 0, mu: 1 };
  }

  /** `eta` is a step size (≥ 0); `mu` an averaging weight 1 / max(1, t − t0), in (0, 1]. */
  protected checkScalarState(name: string, value: unknown, what: string): void {
    super.checkScalarState(name, value, what);
    const x = value as number;
    if (name === 'eta' && !(x >= 0)) throw new RangeError(`${what} must be >= 0 (a step size), got ${String(value)}`);
    if (name === 'mu' && !(x > 0 && x <= 1)) throw new RangeError(`${what} must be in (0, 1] (an averaging weight), got ${String(value)}`);
  }

  /** torch sets η to the group's lr when it creates the state, at the first step. */
  protected initRun(o: Required<ASGDOptions>, run: Run): void {
    run.scalars.eta = f(o.lr);
    run.scalars.mu = 1;
  }

  protected stepRun(o: Required<ASGDOptions>, run: Run, k: Kernels): void {
    const sc = run.scalars;
    const eta = sc.eta!;
    const s = ASGD_SCALARS;
    s.gradSign = o.maximize ? -1 : 1;
    s.l2 = o.weightDecay;
    s.decay = 1 - o.lambd * eta;
    s.negEta = -eta;
    s.mu = sc.mu!;
    k.asgd_f32(run.offset, run.gradOffset, run.buffers.ax!, run.n, s);
    // torch: eta.copy_(lr / ((1 + lambd * lr * step) ** alpha)); mu.copy_(1 / max(1, step - t0)),
    // computed in double and stored in float32 tensors.
    const t = run.step;
    sc.eta = f(o.lr / (1 + o.lambd * o.lr * t) ** o.alpha);
    sc.mu = f(1 / Math.max(1, t - o.t0));
  }
}
