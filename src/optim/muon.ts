/**
 * Muon, "MomentUm Orthogonalized by Newton–Schulz" (Jordan et al., 2024,
 * https://kellerjordan.github.io/posts/muon/; Liu et al., 2025, Muon is Scalable for LLM
 * Training, https://arxiv.org/abs/2502.16982), with the semantics of `torch.optim.Muon` 2.11
 * (`_single_tensor_muon`). For 2-D parameters only: give biases, norms and embeddings to AdamW.
 *
 * Per R×C parameter (g negated first when `maximize`; μ = momentum, λ = weightDecay, (a, b, c) =
 * nsCoefficients, r(·) = rounding to the iteration dtype):
 * ```
 * B ← lerp(B, g, 1 − μ)                           (= μ·B + (1 − μ)·g)
 * U ← nesterov ? lerp(g, B, μ) : B
 * X ← r(U), transposed when R > C                 (so X is m×k, m = min(R, C) ≤ k)
 * X ← r(X / max(r(‖X‖_F), r(ε)))
 * nsSteps times:  A ← r(X·Xᵀ);  A ← r(c·A·A + b·A);  X ← r(A·X + a·X)
 * p ← p·(1 − lr·λ) − lr·ratio·X (transposed back) ratio = √max(1, R/C)   (adjustLrFn null or 'original')
 *                                                  ratio = 0.2·√max(R, C) ('match_rms_adamw')
 * ```
 * Iteration dtype: torch 2.11 runs Newton–Schulz in bfloat16 (`grad.bfloat16()`), whatever the
 * parameter's dtype, and so does the default `nsDtype: 'bfloat16'`: every value the iteration
 * keeps is rounded to bfloat16 (nearest even) where torch rounds it — the normalised X, the norm,
 * and the result of each matrix product and of each `addmm` — while the products accumulate in
 * float32 (bfloat16 products are exact in float32). bfloat16 keeps 8 significant bits (relative
 * rounding 2⁻⁹ ≈ 2e-3), so the update X lies about 2–3e-2 (of its largest element) from the same
 * iteration in float64, and differs from torch's own only where the float32 accumulation order
 * tips a bfloat16 rounding: the reference trajectories (test/fixtures/next) are met within
 * 1e-5 + 1e-4·|e| on the parameters (measured: at most 0.044 of that), not bit for bit.
 * `nsDtype: 'float32'` rounds nothing beyond float32 (about 1e-6 from float64): more faithful to
 * the mathematics, not to torch.
 *
 * State: `momentum_buffer` (B). Scratch (never saved): U and the product T, X, and the m×m A.
 */
import type { Parameter } from '../memory/parameter.js';
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, type Check, finite, int, list, nonNegative, type Schema, show } from '../validation/index.js';

const MOMENTUM = scalars('muon_momentum_f32');
const ORTHO = scalars('muon_orthogonalize_f32');
const APPLY = scalars('muon_apply_f32');

/** How Muon scales lr by the shape [R, C]: `'original'` √max(1, R/C) (also `null`), `'match_rms_adamw'` 0.2·√max(R, C). */
export type MuonAdjustLr = 'original' | 'match_rms_adamw';

/**
 * Options of {@link Muon}, as passed to its constructor: every field optional, defaults as noted
 * (`opt.paramGroups` holds them resolved), torch's. Defaults of the common fields: lr 1e-3,
 * maximize false.
 */
export interface MuonOptions extends CommonOptions {
  /** Decoupled weight decay λ ≥ 0: p is scaled by 1 − lr·λ each step. Default 0.1. */
  weightDecay?: number;
  /** Momentum factor μ ≥ 0. Default 0.95. */
  momentum?: number;
  /** Nesterov momentum: orthogonalize lerp(g, B, μ) instead of B. Default true. */
  nesterov?: boolean;
  /** Coefficients [a, b, c] of the Newton–Schulz polynomial a·X + b·(XXᵀ)X + c·(XXᵀ)²X: finite, a > 0 (its slope at 0). Default [3.4445, -4.775, 2.0315]. */
  nsCoefficients?: [number, number, number];
  /** Lower bound of the norm X is divided by, ≥ 0. Default 1e-7. */
  eps?: number;
  /** Newton–Schulz iterations, an integer in [0, 99] (torch refuses 100 and more). Default 5. */
  nsSteps?: number;
  /** The lr adjustment by shape: `null` (= `'original'`), `'original'` or `'match_rms_adamw'`. Default null. */
  adjustLrFn?: MuonAdjustLr | null;
  /** Dtype of the Newton–Schulz iteration: `'bfloat16'` as torch, or `'float32'`. Default 'bfloat16'. */
  nsDtype?: 'bfloat16' | 'float32';
}

/** One of `values`, else a TypeError (the option's type is the union of these values). */
const member =
  (values: ReadonlyArray<string | null>): Check =>
  (v, name, where) => {
    if (!values.includes(v as string | null)) throw new TypeError(`${where}: ${name} must be one of ${values.map((x) => (x === null ? 'null' : `'${x}'`)).join(', ')}, got ${show(v)}`);
  };

/** Three finite numbers [a, b, c] with a > 0: a is the polynomial's slope at 0, which must lift small singular values. */
const coefficients: Check = (v, name, where) => {
  list(finite, 3)(v, name, where);
  const a = (v as number[])[0]!;
  if (!(a > 0)) throw new RangeError(`${where}: ${name}[0] (a, the slope at 0) must be > 0, got ${show(a)}`);
};

const SCHEMA: Schema<Required<MuonOptions>> = {
  lr: nonNegative,
  weightDecay: nonNegative,
  momentum: nonNegative,
  nesterov: bool,
  nsCoefficients: coefficients,
  eps: nonNegative,
  nsSteps: int(0, 99),
  adjustLrFn: member([null, 'original', 'match_rms_adamw']),
  nsDtype: member(['bfloat16', 'float32']),
  maximize: bool,
};

const DEFAULTS: Required<MuonOptions> = {
  lr: 1e-3,
  weightDecay: 0.1,
  momentum: 0.95,
  nesterov: true,
  nsCoefficients: [3.4445, -4.775, 2.0315],
  eps: 1e-7,
  nsSteps: 5,
  adjustLrFn: null,
  nsDtype: 'bfloat16',
  maximize: false,
};

/** torch's `_adjust_lr`: lr times the ratio for an R×C parameter (float64, as Python). */
function muonAdjustedLr(lr: number, adjustLrFn: MuonAdjustLr | null, rows: number, cols: number): number {
  const ratio = adjustLrFn === 'match_rms_adamw' ? 0.2 * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, rows / cols));
  return lr * ratio;
}

/**
 * The shape the test suites and the benchmark give a tensor of `length` elements: the most square
 * factorisation with a short side of at most 64 (Newton–Schulz costs about 20·m flops per element
 * for an m×k matrix, so the benchmark's 16M-element tensor stays affordable), tall for odd
 * `index`, wide for even; a prime length gives a row or a column.
 */
function muonTestShape(length: number, index: number): [number, number] {
  if (length === 0) return [0, 1];
  let r = Math.min(Math.floor(Math.sqrt(length)), 64);
  while (length % r !== 0) r--;
  return index % 2 === 1 ? [length / r, r] : [r, length / r];
}

/**
 * Muon.
 *
 * @example
 * const [w1, w2] = engine.parameters([[784, 128], [128, 10]]);
 * const opt = new Muon([w1, w2], { lr: 0.02, adjustLrFn: 'match_rms_adamw' });
 * // … write w1.grad, w2.grad …
 * opt.step();
 */
export class Muon extends Optimizer<Required<MuonOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<MuonOptions, 'muon'> & Required<Pick<Registration<MuonOptions, 'muon'>, 'shape'>> = {
    key: 'muon',
    shape: muonTestShape,
    // The float32 iteration: what the idiomatic JS loop computes (bench/newton-schulz.ts times both dtypes).
    bench: [{ name: 'muon', options: { nsDtype: 'float32' } }],
    optionSets: [
      { lr: 1e-2 },
      { lr: 1e-2, momentum: 0.3, nesterov: false, adjustLrFn: 'match_rms_adamw', nsDtype: 'float32', weightDecay: 0, maximize: true },
      { lr: 2e-2, adjustLrFn: 'original', nsCoefficients: [2, -1.5, 0.5], eps: 1e-3 },
    ],
    playground: { rate: 'adaptive', options: { weightDecay: 0 } },
  };

  constructor(params: ParamsInput<MuonOptions>, options?: MuonOptions) {
    super(params, options, { name: 'Muon', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['momentum_buffer'];
  }

  protected scratchBuffers(): readonly string[] {
    return ['ns_u', 'ns_x', 'ns_a'];
  }

  protected bufferLength(name: string, p: Parameter): number {
    if (name !== 'ns_a') return p.length;
    const m = Math.min(p.shape[0]!, p.shape[1]!);
    return m * m;
  }

  protected checkParameter(p: Parameter, where: string): void {
    if (p.shape.length !== 2) throw new RangeError(`${where}: Muon takes 2-D parameters (matrices) only, got shape [${p.shape.join(', ')}]`);
  }

  protected stepRun(o: Required<MuonOptions>, run: Run, k: Kernels): void {
    const s = MOMENTUM;
    s.gradSign = o.maximize ? -1 : 1;
    s.oneMinusMomentum = 1 - o.momentum;
    s.momentum = o.momentum;
    s.nesterov = o.nesterov ? 1 : 0;
    const { momentum_buffer: buf, ns_u: u, ns_x: x } = run.buffers as Record<string, number>;
    k.muon_momentum_f32(run.gradOffset, buf!, u!, run.n, s);
    const ns = ORTHO;
    const c = o.nsCoefficients;
    ns.eps = o.eps;
    ns.a = c[0];
    ns.b = c[1];
    ns.c = c[2];
    ns.nsSteps = o.nsSteps;
    ns.bf16 = o.nsDtype === 'bfloat16' ? 1 : 0;
    const ap = APPLY;
    ap.decay = 1 - o.lr * o.weightDecay;
    let a = run.buffers.ns_a!;
    for (const p of run.params) {
      const rel = p.offset - run.offset;
      const rows = p.shape[0]!, cols = p.shape[1]!;
      // U's block serves as T too: the kernel reads U before it first writes T.
      k.muon_orthogonalize_f32(u! + rel, x! + rel, a, u! + rel, rows, cols, ns);
      ap.negLr = -muonAdjustedLr(o.lr, o.adjustLrFn, rows, cols);
      k.muon_apply_f32(p.offset, x! + rel, rows, cols, ap);
      const m = Math.min(rows, cols);
      a += 4 * m * m;
    }
  }
}
