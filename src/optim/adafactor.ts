/**
 * Adafactor (Shazeer & Stern, 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory
 * Cost, https://arxiv.org/abs/1804.04235), with the semantics of `torch.optim.Adafactor` 2.11
 * (its single-tensor path, which torch takes unless `foreach=True`).
 *
 * Per tensor at step t (g negated first when `maximize`; λ = weightDecay, τ = beta2Decay,
 * [ε1, ε2] = eps with ε1 = 2⁻²³ when null):
 * ```
 * w = t^τ                   ρ = min(lr, 1/√t)          α = max(ε2, ‖p‖/√numel)·ρ   (‖p‖ before the decay)
 * p ← p·(1 − lr·λ)
 * matrix [R, C] (the last two dims of a tensor of ≥ 2 dims; the leading ones are a batch):
 *   r_i ← lerp(r_i, Σ_j g²/C, w)        c_j ← lerp(c_j, Σ_i g²/R, w)
 *   V_ij = r_i·c_j / max(mean(r), ε1)
 * vector (and a scalar):
 *   v ← lerp(v, g², w)                  V = v
 * U = g / √max(V, ε1²)
 * p ← p − α / max(1, ‖U‖/(√numel·d)) · U
 * lerp(x, y, w) = x + w·(y − x) if |w| < ½, else y + (w − 1)·(y − x)   (torch's lerp)
 * ```
 * The squared means come from float32 norms as torch forms them (fl(‖g_i‖²)/C); the step size
 * is relative to the tensor's own RMS, so lr is a cap on ρ rather than a step length.
 *
 * State: `row_var` (r) and `col_var` (c) for a tensor of ≥ 2 dims, `variance` (v) for a vector:
 * each parameter has the slices its shape needs (the others are empty).
 */
import type { Parameter } from '../memory/parameter.js';
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, type Check, nonNegative, nullable, num, type Schema, show } from '../validation/index.js';

const f = Math.fround;
/** torch.finfo(torch.float32).eps: ε1 when `eps[0]` is null. */
const FLOAT32_EPS = 2 ** -23;

const FACTORS = scalars('adafactor_factors_f32');
const NORM = scalars('adafactor_factored_norm_f32');
const FACTORED = scalars('adafactor_factored_f32');
const VARIANCE = scalars('adafactor_variance_f32');
const APPLY = scalars('adafactor_f32');

/**
 * Options of {@link Adafactor}, as passed to its constructor: every field optional, defaults as
 * noted (`opt.paramGroups` holds them resolved). Defaults of the common fields: lr 1e-2 (the cap
 * on the relative step size ρ, and the factor of the weight decay), maximize false.
 */
export interface AdafactorOptions extends CommonOptions {
  /** τ ≤ 0: the second-moment weight of step t is t^τ (β̂2 = 1 − t^τ). Default -0.8. */
  beta2Decay?: number;
  /**
   * `[ε1, ε2]`, each ≥ 0: ε1 floors the mean of the row statistics and √V (null: float32's machine
   * epsilon 2⁻²³, torch's None), ε2 floors the parameter RMS in the step size. Default [null, 1e-3].
   */
  eps?: [number | null, number];
  /** Clipping threshold d ≥ 1: the update is scaled down when RMS(U) > d. Default 1. */
  d?: number;
  /** Decoupled weight decay λ ≥ 0: p ← p·(1 − lr·λ) before the update. Default 0. */
  weightDecay?: number;
}

/** `[ε1 | null, ε2]`: a pair, ε1 null or a finite number ≥ 0, ε2 a finite number ≥ 0. */
const epsPair: Check = (v, name, where) => {
  if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${where}: ${name} must be a pair [eps1 | null, eps2], got ${show(v)}`);
  nullable(nonNegative)(v[0], `${name}[0]`, where);
  nonNegative(v[1], `${name}[1]`, where);
};

const SCHEMA: Schema<Required<AdafactorOptions>> = {
  lr: nonNegative,
  beta2Decay: num({ max: 0 }),
  eps: epsPair,
  d: num({ min: 1 }),
  weightDecay: nonNegative,
  maximize: bool,
};

const DEFAULTS: Required<AdafactorOptions> = { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false };

/** The matrices of a parameter: `batch` of [rows, cols] for ≥ 2 dims, else none (batch 0). */
function matrices(p: Parameter): { batch: number; rows: number; cols: number } {
  const s = p.shape, d = s.length;
  if (d < 2) return { batch: 0, rows: 0, cols: 0 };
  let batch = 1;
  for (let i = 0; i < d - 2; i++) batch *= s[i]!;
  return { batch, rows: s[d - 2]!, cols: s[d - 1]! };
}

/** Python's `max(a, b)`: a unless b > a (so a NaN b gives a, as in torch's scalar arithmetic). */
const pyMax = (a: number, b: number): number => (b > a ? b : a);

/**
 * Adafactor.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);   // w factored, b not
 * const opt = new Adafactor([w, b], { lr: 1e-2 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class Adafactor extends Optimizer<Required<AdafactorOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdafactorOptions, 'adafactor'> & Required<Pick<Registration<AdafactorOptions>, 'shape'>> = {
    key: 'adafactor',
    optionSets: [
      {},
      { lr: 0.05, beta2Decay: -0.6, eps: [1e-12, 0.01], d: 2, weightDecay: 0.1, maximize: true },
      { lr: 0.02, beta2Decay: -0.3, eps: [0, 0] },
    ],
    // Every third tensor a vector, the others a matrix [n/r, r] (r the largest divisor ≤ √n)
    // or a batch of [r, n/r] matrices, so the suites reach both paths, row tails and batches.
    shape: (n, i) => {
      if (i % 3 === 1) return [n];
      if (n === 0) return [0, 4];
      let r = Math.floor(Math.sqrt(n));
      while (n % r !== 0) r--;
      if (i % 3 === 0) return [n / r, r];
      return r % 2 === 0 ? [2, r / 2, n / r] : [1, r, n / r];
    },
    playground: { rate: 'adaptive' },
  };

  /** Σ row_var per matrix of the tensor being updated, then its den (reused between steps). */
  readonly #dens: number[] = [];

  constructor(params: ParamsInput<AdafactorOptions>, options?: AdafactorOptions) {
    super(params, options, { name: 'Adafactor', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['row_var', 'col_var', 'variance'];
  }

  /** Float64 column sums of g² for one matrix at a time (two float32 slots each). */
  protected scratchBuffers(): readonly string[] {
    return ['col_sum'];
  }

  protected bufferLength(name: string, p: Parameter): number {
    const { batch, rows, cols } = matrices(p);
    if (name === 'variance') return batch === 0 ? p.length : 0;
    if (name === 'row_var') return batch * rows;
    if (name === 'col_var') return batch * cols;
    return batch === 0 ? 0 : 2 * cols; // col_sum
  }

  protected stepRun(o: Required<AdafactorOptions>, run: Run, k: Kernels): void {
    const t = run.step, lr = o.lr;
    const w = f(t ** o.beta2Decay);
    const fromEnd = Math.abs(w) < 0.5 ? 0 : 1;
    const coef = fromEnd === 1 ? w - 1 : w;
    const invSqrtT = 1 / Math.sqrt(t);
    const rho = invSqrtT < lr ? invSqrtT : lr; // Python's min(lr, 1/√t)
    const eps1 = o.eps[0] ?? FLOAT32_EPS, eps2 = o.eps[1];
    const gradSign = o.maximize ? -1 : 1;
    const decay = 1 - lr * o.weightDecay;
    FACTORS.coef = VARIANCE.coef = coef;
    FACTORS.fromEnd = VARIANCE.fromEnd = fromEnd;
    NORM.gradSign = FACTORED.gradSign = VARIANCE.gradSign = APPLY.gradSign = gradSign;
    NORM.eps1Sq = FACTORED.eps1Sq = VARIANCE.eps1Sq = APPLY.eps1Sq = eps1 * eps1;
    FACTORED.decay = APPLY.decay = decay;
    const { row_var: rv0, col_var: cv0, variance: v0, col_sum: cs0 } = run.buffers as Record<string, number>;
    let rv = rv0!, cv = cv0!, vv = v0!, cs = cs0!;
    for (const p of run.params) {
      const n = p.length;
      const { batch, rows, cols } = matrices(p);
      if (n > 0) {
        const sqrtN = Math.sqrt(n);
        // α from ‖p‖ before anything changes p; Σ U² once the statistics are updated.
        const alpha = pyMax(eps2, f(Math.sqrt(f(k.sum_squares_f32(p.offset, n)))) / sqrtN) * rho;
        const sumU = batch === 0 ? k.adafactor_variance_f32(p.gradOffset, vv, n, VARIANCE) : this.#factoredNorm(k, p.gradOffset, rv, cv, cs, batch, rows, cols, eps1);
        const scale = -alpha / pyMax(1, f(Math.sqrt(f(sumU))) / (sqrtN * o.d));
        if (batch === 0) {
          APPLY.scale = scale;
          k.adafactor_f32(p.offset, p.gradOffset, vv, n, APPLY);
        } else {
          FACTORED.scale = scale;
          const size = rows * cols * 4;
          for (let b = 0; b < batch; b++) {
            FACTORED.den = this.#dens[b]!;
            k.adafactor_factored_f32(p.offset + b * size, p.gradOffset + b * size, rv + b * rows * 4, cv + b * cols * 4, rows, cols, FACTORED);
          }
        }
      }
      rv += batch * rows * 4;
      cv += batch * cols * 4;
      vv += (batch === 0 ? n : 0) * 4;
      cs += batch === 0 ? 0 : cols * 8;
    }
  }

  /** Updates the row and column statistics of each matrix; returns Σ U² over them (in order), each matrix's den in #dens. */
  #factoredNorm(k: Kernels, grad: number, rv: number, cv: number, cs: number, batch: number, rows: number, cols: number, eps1: number): number {
    const size = rows * cols * 4;
    let sumU = 0;
    for (let b = 0; b < batch; b++) {
      const g = grad + b * size, r = rv + b * rows * 4, c = cv + b * cols * 4;
      // torch: row_var.mean(dim=-2).clamp_(min=eps1), in float32 (a NaN mean stays NaN).
      const mean = f(k.adafactor_factors_f32(g, r, c, cs, rows, cols, FACTORS) / rows);
      const den = (this.#dens[b] = Math.max(mean, f(eps1)));
      NORM.den = den;
      sumU += k.adafactor_factored_norm_f32(g, r, c, rows, cols, NORM);
    }
    return sumU;
  }
}
