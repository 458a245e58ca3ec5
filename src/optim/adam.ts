/**
 * Adam (Kingma & Ba, 2015, https://arxiv.org/abs/1412.6980), AMSGrad (Reddi et al., 2018,
 * https://openreview.net/forum?id=ryQu7f-RZ) and AdamW (Loshchilov & Hutter, 2019,
 * https://arxiv.org/abs/1711.05101), with the semantics of `torch.optim.Adam` / `AdamW` 2.11.
 *
 * Per element, at step t (g negated when `maximize`):
 * ```
 * p ← p·(1 − lr·λ)                     if decoupledWeightDecay (AdamW)
 * g ← g + λ·p                          otherwise (L2), when λ = weightDecay ≠ 0
 * m ← lerp(m, g, 1 − β1)               v ← β2·v + (1 − β2)·g²
 * v̂max ← max(v̂max, v)                 (amsgrad; used in place of v below)
 * p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * lerp(x, y, w) = x + w·(y − x) if |w| < ½, else y − (1 − w)·(y − x)   (torch's lerp)
 * ```
 * State: `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (amsgrad).
 */
import { type Kernels, scalarIndex, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { AdamCorrections } from './bias-correction.js';
import { MOMENT_SCHEMA, momentDefaults, setMomentScalars } from './option-fields.js';
import type { DecoupledOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, type Schema } from '../validation/index.js';

/**
 * What a run keeps between steps: the kernels' scalars (adam_f32 and adam_amsgrad_f32 share
 * them), those that depend on the options alone filled when the options object changes (the base
 * class makes a new, frozen one for every change), and its bias corrections.
 */
interface AdamMemo {
  options: Required<AdamOptions>;
  readonly s: ReturnType<typeof scalars<'adam_f32'>>;
  readonly bc: AdamCorrections;
}

const NEG_STEP = scalarIndex('adam_f32', 'negStep');
const INV_BC2_SQRT = scalarIndex('adam_f32', 'invBc2Sqrt');

function adamMemo(o: Required<AdamOptions>, memo: AdamMemo | undefined): AdamMemo {
  const b1 = o.betas[0], b2 = o.betas[1];
  if (memo === undefined) memo = { options: o, s: scalars('adam_f32'), bc: new AdamCorrections(o.lr, b1, b2) };
  else memo.bc.update(o.lr, b1, b2);
  memo.options = o;
  setMomentScalars(memo.s, o);
  memo.s.eps = o.eps;
  return memo;
}

/**
 * Options of {@link Adam} and {@link AdamW}, as passed to its constructor: every field optional
 * (`opt.paramGroups` holds them resolved). Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8,
 * weightDecay 0 (AdamW: 0.01), amsgrad false, maximize false, decoupledWeightDecay false (AdamW: true).
 */
export interface AdamOptions extends DecoupledOptions {
  /** Use the running maximum of v (AMSGrad). Default false. */
  amsgrad?: boolean;
}

const ADAM_SCHEMA: Schema<Required<AdamOptions>> = { ...MOMENT_SCHEMA, amsgrad: bool, maximize: bool, decoupledWeightDecay: bool };

const ADAM_DEFAULTS: Required<AdamOptions> = { ...momentDefaults(1e-3), amsgrad: false, maximize: false, decoupledWeightDecay: false };

/**
 * Adam.
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new Adam([w, b], { lr: 1e-3 });
 * // … write w.grad, b.grad …
 * opt.step();
 */
export class Adam extends Optimizer<Required<AdamOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<AdamOptions, 'adam' | 'adamw'> = {
    key: 'adam',
    optionSets: [
      { lr: 1e-3 },
      { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, maximize: true },
      { lr: 0.01, amsgrad: true },
      { lr: 0.01, amsgrad: true, weightDecay: 0.05, decoupledWeightDecay: true },
    ],
    playground: { rate: 'adaptive', checked: true },
  };

  /** Display name and defaults of the class being constructed (AdamW overrides them). */
  protected static readonly spec: { readonly name: string; readonly defaults: Required<AdamOptions> } = { name: 'Adam', defaults: ADAM_DEFAULTS };

  constructor(params: ParamsInput<AdamOptions>, options?: AdamOptions) {
    const { name, defaults } = new.target.spec;
    super(params, options, { name, defaults, schema: ADAM_SCHEMA });
  }

  protected bufferNames(o: Required<AdamOptions>): readonly string[] {
    return o.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }

  protected optionalBuffers(): readonly string[] {
    return ['max_exp_avg_sq'];
  }

  protected stepRun(o: Required<AdamOptions>, run: Run, k: Kernels): void {
    let memo = run.memo as AdamMemo | undefined;
    if (memo?.options !== o) memo = run.memo = adamMemo(o, memo);
    const s = memo.s;
    memo.bc.write(run.step, s.values, NEG_STEP, INV_BC2_SQRT);
    const b = run.buffers;
    if (o.amsgrad) k.adam_amsgrad_f32(run.offset, run.gradOffset, b.exp_avg!, b.exp_avg_sq!, b.max_exp_avg_sq!, run.n, s);
    else k.adam_f32(run.offset, run.gradOffset, b.exp_avg!, b.exp_avg_sq!, run.n, s);
  }

}

/**
 * AdamW: Adam with decoupled weight decay (default λ = 0.01), as `torch.optim.AdamW`.
 *
 * @example
 * const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Adam {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static override readonly registration: Registration<AdamOptions, 'adamw'> = {
    key: 'adamw',
    optionSets: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, amsgrad: true, maximize: true }],
    playground: { rate: 'adaptive', options: { weightDecay: 0 } },
  };

  protected static override readonly spec = { name: 'AdamW', defaults: { ...ADAM_DEFAULTS, weightDecay: 1e-2, decoupledWeightDecay: true } };
}
