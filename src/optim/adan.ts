/**
 * Adan, adaptive Nesterov momentum (Xie et al., 2022, Adan: Adaptive Nesterov Momentum Algorithm
 * for Faster Optimizing Deep Models, https://arxiv.org/abs/2208.06677), with the semantics of
 * `optax.adan` 0.2.8: `chain(scale_by_adan(b1, b2, b3, eps, eps_root),
 * add_decayed_weights(weight_decay), scale_by_learning_rate(lr))`, float32 throughout.
 *
 * Per element at step t (g negated first when `maximize`; λ = weightDecay):
 * ```
 * d ← g − g_prev                       (d = 0 at step 1)
 * m ← (1 − β1)·g + β1·m
 * v ← (1 − β2)·d + β2·v
 * n ← (1 − β3)·(g + (1 − β2)·d)² + β3·n
 * u ← (m/(1 − β1ᵗ) + (1 − β2)·v/(1 − β2ᵗ)) / (√(n/(1 − β3ᵗ) + ε_root) + ε) + λ·p
 * p ← p − lr·u                         g_prev ← g
 * ```
 * **optax, not the paper, weights the gradient difference.** Both places where `(1 − β2)`
 * multiplies d or v above read `(1 − β2)` in optax 0.2.8 (`transform.py`,
 * `sq = otu.tree_add_scalar_mul(g, 1 - b2, diff)` and `u = otu.tree_add_scalar_mul(m_hat, 1 - b2, v_hat)`),
 * where the paper's Algorithm 1 and the authors' code weight them by β2 (in optax's convention:
 * 0.92 with the defaults, against optax's 0.08). We follow optax 0.2.8, as its recorded
 * trajectories do. The weight decay is optax's too: λ·p added to the update before lr (the
 * paper divides by 1 + λ·lr instead).
 *
 * State: `exp_avg` (m), `exp_avg_diff` (v), `exp_avg_sq` (n) and `prev_grad` (g_prev, the
 * gradient as the update saw it, negated when `maximize`) — optax's `m`, `v`, `n`, `g`.
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import { optaxBiasCorrection } from './bias-correction.js';
import type { Registration } from './registration.js';
import { setDecayRateScalars } from './option-fields.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, list, nonNegative, type Schema, unitOpen } from '../validation/index.js';

const ADAN = scalars('adan_f32');

/**
 * Options of {@link Adan}, as passed to its constructor: every field optional, defaults as noted
 * (`opt.paramGroups` holds them resolved). Defaults of the common fields: lr 1e-3 (optax has
 * none; the Adan authors' default), maximize false.
 */
export interface AdanOptions extends CommonOptions {
  /** `[β1, β2, β3]`: decay rates of m (gradient), v (gradient difference) and n (squared term), each in [0, 1). Default [0.98, 0.92, 0.99], as optax. */
  betas?: [number, number, number];
  /** Added to the denominator outside the square root. Default 1e-8. */
  eps?: number;
  /** Added to the bias-corrected n inside the square root. Default 1e-8, as `optax.adan` (`scale_by_adan` alone: 0). */
  epsRoot?: number;
  /** Decoupled weight decay λ (λ·p added to the update, then scaled by lr). Default 0. */
  weightDecay?: number;
}

const SCHEMA: Schema<Required<AdanOptions>> = {
  lr: nonNegative,
  betas: list(unitOpen, 3),
  eps: nonNegative,
  epsRoot: nonNegative,
  weightDecay: nonNegative,
  maximize: bool,
};

const DEFAULTS: Required<AdanOptions> = { lr: 1e-3, betas: [0.98, 0.92, 0.99], eps: 1e-8, epsRoot: 1e-8, weightDecay: 0, maximize: false };

/**
 * Adan.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new Adan([w, b], { lr: 1e-3, weightDecay: 0.02 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class Adan extends Optimizer<Required<AdanOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdanOptions, 'adan'> = {
    key: 'adan',
    optionSets: [{ lr: 1e-2 }, { lr: 2e-2, betas: [0.9, 0.8, 0.95], eps: 1e-6, epsRoot: 0, weightDecay: 0.05, maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<AdanOptions>, options?: AdanOptions) {
    super(params, options, { name: 'Adan', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_diff', 'exp_avg_sq', 'prev_grad'];
  }

  protected stepRun(o: Required<AdanOptions>, run: Run, k: Kernels): void {
    const b1 = o.betas[0], b2 = o.betas[1], b3 = o.betas[2]; // not destructured: that allocates an iterator per step
    const s = ADAN;
    setDecayRateScalars(s, o);
    s.keepDiff = run.step === 1 ? 0 : 1;
    s.oneMinusB3 = 1 - b3;
    s.b3 = b3;
    s.invBc1 = 1 / optaxBiasCorrection(b1, run.step);
    s.invBc2 = 1 / optaxBiasCorrection(b2, run.step);
    s.invBc3 = 1 / optaxBiasCorrection(b3, run.step);
    s.epsRoot = o.epsRoot;
    s.eps = o.eps;
    s.weightDecay = o.weightDecay;
    s.negLr = -o.lr;
    const { exp_avg: m, exp_avg_diff: v, exp_avg_sq: n, prev_grad: q } = run.buffers as Record<string, number>;
    k.adan_f32(run.offset, run.gradOffset, m!, v!, n!, q!, run.n, s);
  }
}
