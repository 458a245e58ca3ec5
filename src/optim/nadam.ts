/**
 * NAdam: Adam with Nesterov momentum (Dozat, 2016, "Incorporating Nesterov Momentum into Adam",
 * https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ), with the momentum schedule of the paper
 * and the semantics of `torch.optim.NAdam` 2.11 (single-tensor path).
 *
 * Per element, at step t (g negated when `maximize`, λ = weightDecay, ψ = momentumDecay):
 * ```
 * p ← p·(1 − lr·λ)                     if decoupledWeightDecay (NAdamW)
 * g ← g + λ·p                          otherwise (L2), when λ ≠ 0
 * μt = β1·(1 − ½·0.96^(t·ψ))           μt+1 = β1·(1 − ½·0.96^((t+1)·ψ))
 * Π ← Π·μt                             (scalar state `mu_product`, float32, starts at 1)
 * m ← lerp(m, g, 1 − β1)               v ← β2·v + (1 − β2)·g²
 * d = √(v / (1 − β2ᵗ)) + ε
 * p ← p − lr·(1 − μt)/(1 − Π) · g/d − lr·μt+1/(1 − Π·μt+1) · m/d
 * lerp(x, y, w) = x + w·(y − x) if |w| < ½, else y − (1 − w)·(y − x)   (torch's lerp)
 * ```
 * Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, momentumDecay 4e-3,
 * decoupledWeightDecay false, maximize false.
 * State: `exp_avg` (m), `exp_avg_sq` (v), scalar `mu_product` (Π).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { MOMENT_SCHEMA, momentDefaults, setMomentScalars } from './option-fields.js';
import type { DecoupledOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const NADAM = scalars('nadam_f32');

/**
 * Options of {@link NAdam}, as passed to its constructor: every field optional (`opt.paramGroups`
 * holds them resolved). Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0,
 * momentumDecay 4e-3, decoupledWeightDecay false, maximize false.
 */
export interface NAdamOptions extends DecoupledOptions {
  /** ψ in the momentum schedule μt = β1·(1 − ½·0.96^(t·ψ)). Default 4e-3. */
  momentumDecay?: number;
}

const SCHEMA: Schema<Required<NAdamOptions>> = { ...MOMENT_SCHEMA, momentumDecay: nonNegative, decoupledWeightDecay: bool, maximize: bool };

const DEFAULTS: Required<NAdamOptions> = { ...momentDefaults(2e-3), momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false };

/**
 * NAdam.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new NAdam([w, b], { lr: 2e-3 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class NAdam extends Optimizer<Required<NAdamOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<NAdamOptions, 'nadam'> = {
    key: 'nadam',
    optionSets: [
      { lr: 0.002 },
      { lr: 0.01, weightDecay: 0.1, momentumDecay: 0.006, maximize: true },
      { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true },
    ],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<NAdamOptions>, options?: NAdamOptions) {
    super(params, options, { name: 'NAdam', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected scalarState(): Record<string, number> {
    return { mu_product: 1 };
  }

  /** `mu_product` is a product of momentum coefficients μt ∈ [0, 1): it lies in [0, 1]. */
  protected checkScalarState(name: string, value: unknown, what: string): void {
    super.checkScalarState(name, value, what);
    if (!((value as number) >= 0 && (value as number) <= 1)) throw new RangeError(`${what} must be in [0, 1] (a product of momentum coefficients), got ${String(value)}`);
  }

  protected stepRun(o: Required<NAdamOptions>, run: Run, k: Kernels): void {
    const { lr, eps, momentumDecay: psi } = o;
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const t = run.step;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * psi));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
    // torch keeps the product as a float32 tensor: `mu_product *= mu` multiplies in float32.
    const mp = f(run.scalars.mu_product! * f(mu));
    run.scalars.mu_product = mp;
    const s = NADAM;
    setMomentScalars(s, o);
    s.invBc2 = 1 / (1 - b2 ** t);
    s.eps = eps;
    s.gradCoef = (-lr * (1 - mu)) / (1 - mp);
    s.momentumCoef = (-lr * muNext) / (1 - mp * muNext);
    const { exp_avg: m, exp_avg_sq: v } = run.buffers as Record<string, number>;
    k.nadam_f32(run.offset, run.gradOffset, m!, v!, run.n, s);
  }

}
