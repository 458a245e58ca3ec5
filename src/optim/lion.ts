/**
 * Lion, "EvoLved Sign Momentum" (Chen et al., 2023, Symbolic Discovery of Optimization
 * Algorithms, https://arxiv.org/abs/2302.06675), with the semantics of `optax.lion` 0.2.8:
 * `chain(scale_by_lion(b1, b2), add_decayed_weights(weight_decay), scale_by_learning_rate(lr))`,
 * float32 throughout.
 *
 * Per element (g negated first when `maximize`; λ = weightDecay):
 * ```
 * c ← sign((1 − β1)·g + β1·m)          sign(0) = 0
 * p ← p − lr·(c + λ·p)
 * m ← (1 − β2)·g + β2·m                (c uses the m from before this step)
 * ```
 * Every update has the same magnitude lr per element, so Lion wants a learning rate 3–10×
 * smaller than AdamW's and a weight decay 3–10× larger.
 *
 * State: `exp_avg` (m).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { setDecayRateScalars } from './option-fields.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { betas, bool, nonNegative, type Schema } from '../validation/index.js';

/** What a run keeps between steps: the kernel's scalars, filled from `options`. */
interface LionMemo {
  options: Required<LionOptions>;
  readonly s: ReturnType<typeof scalars<'lion_f32'>>;
}

function lionMemo(o: Required<LionOptions>, memo: LionMemo | undefined): LionMemo {
  const s = memo?.s ?? scalars('lion_f32');
  setDecayRateScalars(s, o);
  s.weightDecay = o.weightDecay;
  s.negLr = -o.lr;
  return { options: o, s };
}

/**
 * Options of {@link Lion}, as passed to its constructor: every field optional, defaults as noted
 * (`opt.paramGroups` holds them resolved). Defaults of the common fields: lr 1e-4, maximize false.
 */
export interface LionOptions extends CommonOptions {
  /** `[β1, β2]`: β1 interpolates the update direction, β2 decays the momentum; each in [0, 1). Default [0.9, 0.99]. */
  betas?: [number, number];
  /** Decoupled weight decay λ (added to the signed update, then scaled by lr). Default 1e-3, as optax. */
  weightDecay?: number;
}

const SCHEMA: Schema<Required<LionOptions>> = { lr: nonNegative, betas, weightDecay: nonNegative, maximize: bool };

const DEFAULTS: Required<LionOptions> = { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 1e-3, maximize: false };

/**
 * Lion.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new Lion([w, b], { lr: 1e-4, weightDecay: 1e-2 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class Lion extends Optimizer<Required<LionOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<LionOptions, 'lion'> = {
    key: 'lion',
    optionSets: [{ lr: 1e-3 }, { lr: 3e-3, betas: [0.95, 0.98], weightDecay: 0.1, maximize: true }],
    playground: { rate: 'adaptive', scale: 0.2, options: { weightDecay: 0 }, checked: true },
  };

  constructor(params: ParamsInput<LionOptions>, options?: LionOptions) {
    super(params, options, { name: 'Lion', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg'];
  }

  protected stepRun(o: Required<LionOptions>, run: Run, k: Kernels): void {
    // Every scalar depends on the options alone: filled when the (frozen) options object changes.
    let memo = run.memo as LionMemo | undefined;
    if (memo?.options !== o) memo = run.memo = lionMemo(o, memo);
    k.lion_f32(run.offset, run.gradOffset, run.buffers.exp_avg!, run.n, memo.s);
  }

}
