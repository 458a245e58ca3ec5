/**
 * Yogi (Zaheer et al., 2018, "Adaptive Methods for Nonconvex Optimization",
 * https://papers.nips.cc/paper/2018/hash/90365351ccc7437a1309dc64e4db32a3-Abstract.html), with
 * the semantics of `optax.yogi` 0.2.8: `chain(scale_by_yogi(b1, b2, eps), scale_by_learning_rate(lr))`,
 * float32 throughout.
 *
 * Per element at step t (g negated first when `maximize`; m and v start at
 * `initialAccumulatorValue`, 1e-6, not at 0):
 * ```
 * m ← (1 − β1)·g + β1·m
 * v ← v − (1 − β2)·sign(v − g²)·g²
 * p ← p − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 * ```
 * Adam moves v toward g² by (1 − β2)·(g² − v), a step that grows with the gap; Yogi moves it by
 * (1 − β2)·g² in the direction of g², so a large v shrinks slowly when gradients turn small and the
 * effective step lr/√v cannot jump up all at once.
 * Defaults: lr 1e-2 (the paper's; optax's `learning_rate` has no default), betas [0.9, 0.999],
 * eps 1e-3, initialAccumulatorValue 1e-6, maximize false.
 * State: `exp_avg` (m), `exp_avg_sq` (v).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import { optaxBiasCorrection } from './bias-correction.js';
import type { Registration } from './registration.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { betas, bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const YOGI = scalars('yogi_f32');

/**
 * Options of {@link Yogi}, as passed to its constructor: every field optional (`opt.paramGroups`
 * holds them resolved). Defaults: lr 1e-2, betas [0.9, 0.999], eps 1e-3,
 * initialAccumulatorValue 1e-6, maximize false.
 */
export interface YogiOptions extends CommonOptions {
  /** Decay rates [β1, β2] of m and v, each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator outside the square root, ≥ 0. Default 1e-3, as optax. */
  eps?: number;
  /** The value m and v start from, ≥ 0 (optax's `scale_by_yogi` argument). Default 1e-6. */
  initialAccumulatorValue?: number;
}

const SCHEMA: Schema<Required<YogiOptions>> = { lr: nonNegative, betas, eps: nonNegative, initialAccumulatorValue: nonNegative, maximize: bool };

const DEFAULTS: Required<YogiOptions> = { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-3, initialAccumulatorValue: 1e-6, maximize: false };

/**
 * Yogi.
 *
 * @example
 * const opt = new Yogi(engine.parameters([[256, 10], [10]]), { lr: 1e-2 });
 * opt.step();
 */
export class Yogi extends Optimizer<Required<YogiOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<YogiOptions, 'yogi'> = {
    key: 'yogi',
    optionSets: [{ lr: 1e-2 }, { lr: 5e-2, betas: [0.8, 0.99], eps: 1e-4, initialAccumulatorValue: 0.5, maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<YogiOptions>, options?: YogiOptions) {
    super(params, options, { name: 'Yogi', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  /** optax's init_fn: both moments `jnp.full_like(p, initial_accumulator_value)`. */
  protected initRun(o: Required<YogiOptions>, run: Run, heap: Float32Array): void {
    const v0 = f(o.initialAccumulatorValue);
    for (const name of ['exp_avg', 'exp_avg_sq']) {
      const at = run.buffers[name]! >> 2;
      heap.fill(v0, at, at + run.n);
    }
  }

  protected stepRun(o: Required<YogiOptions>, run: Run, k: Kernels): void {
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const s = YOGI;
    s.gradSign = o.maximize ? -1 : 1;
    s.oneMinusB1 = 1 - b1;
    s.b1 = b1;
    s.oneMinusB2 = 1 - b2;
    s.negStep = f(-o.lr) / optaxBiasCorrection(b1, run.step);
    s.invBc2 = 1 / optaxBiasCorrection(b2, run.step);
    s.eps = o.eps;
    const { exp_avg: m, exp_avg_sq: v } = run.buffers as Record<string, number>;
    k.yogi_f32(run.offset, run.gradOffset, m!, v!, run.n, s);
  }
}
