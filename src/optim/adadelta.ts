/**
 * Adadelta (Zeiler, 2012, "ADADELTA: An Adaptive Learning Rate Method",
 * https://arxiv.org/abs/1212.5701), with the semantics of `torch.optim.Adadelta` 2.11.
 *
 * Per element (g negated first when `maximize`, λ = weightDecay):
 * ```
 * g ← g + λ·p                                  (when λ ≠ 0)
 * v ← ρ·v + (1 − ρ)·g²
 * d = √(u + ε) / √(v + ε) · g
 * u ← ρ·u + (1 − ρ)·d²
 * p ← p − lr·d
 * ```
 * State: `square_avg` (v), `acc_delta` (u); both start at 0.
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { setPlainScalars } from './option-fields.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema, unitClosed } from '../validation/index.js';

const ADADELTA = scalars('adadelta_f32');

/** Options of {@link Adadelta}, as passed to its constructor: every field optional, defaults as noted (`opt.paramGroups` holds them resolved). */
export interface AdadeltaOptions {
  /** Coefficient that scales the update d before it is applied. Default 1.0. */
  lr?: number;
  /** Decay rate ρ of both running averages, in [0, 1]. Default 0.9. */
  rho?: number;
  /** Added inside both square roots for stability. Default 1e-6. */
  eps?: number;
  /** Weight decay λ (L2 penalty added to the gradient). Default 0. */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

const SCHEMA: Schema<Required<AdadeltaOptions>> = {
  lr: nonNegative,
  rho: unitClosed,
  eps: nonNegative,
  weightDecay: nonNegative,
  maximize: bool,
};

const DEFAULTS: Required<AdadeltaOptions> = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };

/**
 * Adadelta: step sizes from the ratio of the running RMS of past updates to that of the gradients.
 * Defaults: lr 1.0, rho 0.9, eps 1e-6, weightDecay 0.
 *
 * @example
 * const opt = new Adadelta(params, { rho: 0.95 });
 * opt.step();
 */
export class Adadelta extends Optimizer<Required<AdadeltaOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdadeltaOptions, 'adadelta'> = {
    key: 'adadelta',
    optionSets: [{ lr: 1 }, { lr: 0.5, rho: 0.8, weightDecay: 0.01, maximize: true }],
    playground: { rate: 'adaptive', options: { lr: 1 } },
  };

  constructor(params: ParamsInput<AdadeltaOptions>, options?: AdadeltaOptions) {
    super(params, options, { name: 'Adadelta', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['square_avg', 'acc_delta'];
  }

  protected stepRun(o: Required<AdadeltaOptions>, run: Run, k: Kernels): void {
    const s = ADADELTA;
    setPlainScalars(s, o);
    s.rho = o.rho;
    s.oneMinusRho = 1 - o.rho;
    const { square_avg: v, acc_delta: u } = run.buffers as Record<string, number>;
    k.adadelta_f32(run.offset, run.gradOffset, v!, u!, run.n, s);
  }

}
