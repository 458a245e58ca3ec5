/**
 * NovoGrad, layer-wise second moments (Ginsburg et al., 2019, Stochastic Gradient Methods with
 * Layer-wise Adaptive Moments for Training of Deep Networks, https://arxiv.org/abs/1905.11286),
 * with the semantics of `optax.novograd` 0.2.8: `chain(scale_by_novograd(b1, b2, eps, eps_root,
 * weight_decay), scale_by_learning_rate(lr))`, float32 throughout.
 *
 * Per tensor at step t (g negated first when `maximize`; λ = weightDecay):
 * ```
 * ν ← ‖g‖²  at t = 1, else  (1 − β2)·‖g‖² + β2·ν        one number per tensor
 * u ← g / (√(ν + ε_root) + ε) + λ·p                      per element
 * m ← u     at t = 1, else  β1·m + u
 * p ← p − lr·m
 * ```
 * The second moment is one number per tensor (per `Parameter`), so the step normalises each
 * layer's gradient by its own norm; there is no bias correction. ‖g‖² is fl(fl(‖g‖)²), the square
 * of a float32 norm, as optax forms it. Every product and sum rounds to float32 on its own
 * (optax's jitted branches may fuse some into fma; the difference is far inside the reference
 * tolerance).
 *
 * State: `exp_avg` (m), `exp_avg_sq` (ν: one element per parameter).
 */
import type { Parameter } from '../memory/parameter.js';
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import type { MomentOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { MOMENT_SCHEMA } from './option-fields.js';
import { bool, nonNegative, type Schema } from '../validation/index.js';

const f = Math.fround;
const NOVOGRAD = scalars('novograd_f32');

/**
 * Options of {@link NovoGrad}, as passed to its constructor: every field optional, defaults as
 * noted (`opt.paramGroups` holds them resolved). eps is added outside the square root;
 * weightDecay λ is added to the normalised gradient before the momentum. Defaults of the common
 * fields: lr 1e-3, betas [0.9, 0.25], eps 1e-6 (as optax), weightDecay 0, maximize false.
 */
export interface NovoGradOptions extends MomentOptions {
  /** Added to ν inside the square root. Default 0. */
  epsRoot?: number;
}

const SCHEMA: Schema<Required<NovoGradOptions>> = { ...MOMENT_SCHEMA, epsRoot: nonNegative, maximize: bool };

const DEFAULTS: Required<NovoGradOptions> = { lr: 1e-3, betas: [0.9, 0.25], eps: 1e-6, epsRoot: 0, weightDecay: 0, maximize: false };

/**
 * NovoGrad.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new NovoGrad([w, b], { lr: 1e-2, weightDecay: 1e-3 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class NovoGrad extends Optimizer<Required<NovoGradOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<NovoGradOptions, 'novograd'> = {
    key: 'novograd',
    optionSets: [{ lr: 1e-2 }, { lr: 2e-2, betas: [0.95, 0.5], eps: 1e-8, epsRoot: 1e-6, weightDecay: 0.01, maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<NovoGradOptions>, options?: NovoGradOptions) {
    super(params, options, { name: 'NovoGrad', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  /** `exp_avg_sq` is ν, one number per parameter. */
  protected bufferLength(name: string, p: Parameter): number {
    return name === 'exp_avg_sq' ? 1 : p.length;
  }

  protected stepRun(o: Required<NovoGradOptions>, run: Run, k: Kernels): void {
    const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
    const first = run.step === 1;
    const s = NOVOGRAD;
    s.gradSign = o.maximize ? -1 : 1;
    s.weightDecay = o.weightDecay;
    s.b1 = b1;
    s.first = first ? 1 : 0;
    s.negLr = -o.lr;
    const heap = this.engine.heap;
    let m = run.buffers.exp_avg!, nu = run.buffers.exp_avg_sq! >> 2;
    for (const p of run.params) {
      const r = f(Math.sqrt(f(k.sum_squares_f32(p.gradOffset, p.length))));
      const x = f(r * r);
      const f32 = heap.f32;
      const v = first ? x : f(f(f(1 - b2) * x) + f(f(b2) * f32[nu]!));
      f32[nu] = v;
      s.den = f(Math.sqrt(f(v + f(o.epsRoot)))) + f(o.eps);
      k.novograd_f32(p.offset, p.gradOffset, m, p.length, s);
      m += p.length * 4;
      nu++;
    }
  }
}
