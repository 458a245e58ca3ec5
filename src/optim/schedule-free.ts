/**
 * Schedule-Free AdamW (Defazio et al., 2024, The Road Less Scheduled,
 * https://arxiv.org/abs/2405.15682), with the semantics of `optax.contrib.schedule_free_adamw`
 * 0.2.8: `schedule_free(chain(scale_by_rms(b2, eps, eps_in_sqrt=False, bias_correction=True),
 * add_decayed_weights(weight_decay), scale_by_learning_rate(lr_sched)), lr_sched, b1,
 * weight_lr_power)`, float32 throughout.
 *
 * The parameters hold y, the point where gradients are taken (optax keeps y as the params); z and
 * v are state, and the evaluation point x is recomputed from y and z. Per element at step t
 * (g negated first when `maximize`; λ = weightDecay, W = warmupSteps, P = weightLrPower):
 * ```
 * lr(c) = lr·min(c, W)/W with warmup (computed −lr·(1 − min(c, W)/W) + lr), else lr
 * maxLr ← max(maxLr, lr(t))     w = maxLr^P     S ← S + w     c = w/S (0 when S = 0)
 * v ← (1 − β2)·g² + β2·v
 * u ← −lr(t − 1)·((1 / (√(v / (1 − β2ᵗ)) + ε))·g + λ·y)
 * z' ← z + u
 * x ← (y − (1 − β1)·z) / β1                        (the old z)
 * x' ← (1 − c)·x + c·z'
 * y ← y + ((β1·x' + (1 − β1)·z') − y)
 * ```
 * The averaging weight uses the wrapper's count t (from 1) and the z step the base optimizer's
 * count t − 1 (from 0), as optax: with warmup the first z step has lr 0.
 *
 * {@link ScheduleFreeAdamW.evalParams} puts x = (y − (1 − β1)·z) / β1 into the parameters, as
 * `optax.contrib.schedule_free_eval_params` computes it, and keeps y;
 * {@link ScheduleFreeAdamW.trainParams} puts y back, bit for bit.
 *
 * State: `z`, `exp_avg_sq` (v); scalar `max_lr`, `weight_sum` (S).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import { optaxBiasCorrection } from './bias-correction.js';
import type { Registration } from './registration.js';
import { setDecayRateScalars } from './option-fields.js';
import type { CommonOptions } from './options.js';
import { Optimizer, type ParamsInput, type Run, type StateDict } from './optimizer.js';
import type { Parameter } from '../memory/parameter.js';
import type { StateDictInput } from './state-dict-input.js';
import { betas, bool, int, nonNegative, nullable, type Schema } from '../validation/index.js';

const f = Math.fround;
const STEP = scalars('schedule_free_adamw_f32');
const EVAL = scalars('schedule_free_adamw_eval_f32');

/**
 * Options of {@link ScheduleFreeAdamW}, as passed to its constructor: every field optional,
 * defaults as optax's (`opt.paramGroups` holds them resolved). Defaults of the common fields:
 * lr 0.0025, maximize false.
 */
export interface ScheduleFreeAdamWOptions extends CommonOptions {
  /** `[β1, β2]`: β1 the interpolation between x and z (in (0, 1), as optax requires it > 0), β2 the decay of v (in [0, 1)). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to √v̂ outside the square root, ≥ 0. Default 1e-8. */
  eps?: number;
  /** Weight decay λ ≥ 0: λ·y added to the normalised gradient before the lr. Default 0. */
  weightDecay?: number;
  /** P ≥ 0: each step's weight in the average x is maxLr^P. Default 2. */
  weightLrPower?: number;
  /** Linear warmup of the lr over this many steps (an integer ≥ 1), or null for none. Default null. */
  warmupSteps?: number | null;
}

type Resolved = Required<ScheduleFreeAdamWOptions>;

const SCHEMA: Schema<Resolved> = {
  lr: nonNegative,
  betas,
  eps: nonNegative,
  weightDecay: nonNegative,
  weightLrPower: nonNegative,
  warmupSteps: nullable(int(1)),
  maximize: bool,
};

const DEFAULTS: Resolved = { lr: 0.0025, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, weightLrPower: 2, warmupSteps: null, maximize: false };

/** optax's float32 lr at schedule count `c`: `warmup_constant_schedule(0, lr, W)`, or lr. */
function lrAt(o: Resolved, c: number): number {
  const lr = f(o.lr);
  const w = o.warmupSteps;
  return w === null ? lr : f(f(-lr * f(1 - f(Math.min(c, w) / w))) + lr);
}

/** `w / total` as optax's schedule_free guards it: NaN stays NaN, 0/0 is 0. */
function averagingWeight(w: number, total: number): number {
  if (Number.isNaN(w) || Number.isNaN(total)) return NaN;
  const c = f(w / total);
  return Number.isNaN(c) ? 0 : c;
}

/** The y values kept while the parameters hold x: the parameters of a run and a block of as many floats. */
interface Kept {
  params: Parameter[];
  offset: number;
}

/**
 * Schedule-Free AdamW. Train with the parameters as they are (y); evaluate between
 * `evalParams()` and `trainParams()`, as `optimizer.eval()` / `optimizer.train()` of the
 * reference implementation (facebookresearch/schedule_free). While the parameters hold x, `step`,
 * `stateDict`, `loadStateDict` and `addParamGroup` throw a TypeError (call `trainParams()` first:
 * a checkpoint saved then would pair x with the state of y).
 *
 * @example
 * const [w, b] = engine.parameters([[784, 128], [128]]);
 * const opt = new ScheduleFreeAdamW([w, b], { lr: 2.5e-3, warmupSteps: 100 });
 * // … write w.grad, b.grad …
 * opt.step();
 * opt.evalParams();  // w.data, b.data now hold x
 * // … evaluate …
 * opt.trainParams(); // back to y, bit for bit
 */
export class ScheduleFreeAdamW extends Optimizer<Resolved> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<ScheduleFreeAdamWOptions, 'schedule_free_adamw'> = {
    key: 'schedule_free_adamw',
    optionSets: [
      { lr: 1e-2 },
      { lr: 2e-2, betas: [0.95, 0.99], eps: 1e-6, weightDecay: 0.05, weightLrPower: 1, warmupSteps: 4, maximize: true },
    ],
    playground: { rate: 'adaptive' },
  };

  #kept: Kept[] | undefined;

  constructor(params: ParamsInput<ScheduleFreeAdamWOptions>, options?: ScheduleFreeAdamWOptions) {
    super(params, options, { name: 'ScheduleFreeAdamW', defaults: DEFAULTS, schema: SCHEMA });
  }

  /** `'eval'` between {@link ScheduleFreeAdamW.evalParams} and {@link ScheduleFreeAdamW.trainParams} (the parameters hold x), else `'train'`. */
  get mode(): 'train' | 'eval' {
    return this.#kept === undefined ? 'train' : 'eval';
  }

  protected bufferNames(): readonly string[] {
    return ['z', 'exp_avg_sq'];
  }

  protected scalarState(): Record<string, number> {
    return { max_lr: 0, weight_sum: 0 };
  }

  /** `max_lr` and `weight_sum` are float32 maxima and sums of non-negative values. */
  protected checkScalarState(name: string, value: unknown, what: string): void {
    super.checkScalarState(name, value, what);
    if (!((value as number) >= 0)) throw new RangeError(`${what} must be >= 0, got ${String(value)}`);
  }

  protected checkGroup(g: Resolved, where: string): void {
    if (!(g.betas[0] > 0)) throw new RangeError(`${where}: betas[0] must be > 0 (schedule-free divides by β1), got ${String(g.betas[0])}`);
  }

  /** z starts at the parameters (optax's init copies them). */
  protected initRun(_g: Resolved, run: Run, heap: Float32Array): void {
    const at = run.offset >> 2;
    heap.copyWithin(run.buffers.z! >> 2, at, at + run.n);
  }

  protected stepRun(o: Resolved, run: Run, k: Kernels): void {
    const t = run.step;
    const b2 = o.betas[1];
    const maxLr = Math.max(run.scalars.max_lr!, lrAt(o, t));
    const w = f(maxLr ** o.weightLrPower);
    const total = f(run.scalars.weight_sum! + w);
    const c = averagingWeight(w, total);
    const s = STEP;
    setDecayRateScalars(s, o);
    s.invBc2 = 1 / optaxBiasCorrection(b2, t);
    s.eps = o.eps;
    s.weightDecay = o.weightDecay;
    s.negLr = -lrAt(o, t - 1);
    s.oneMinusCk = 1 - c;
    s.ck = c;
    k.schedule_free_adamw_f32(run.offset, run.gradOffset, run.buffers.z!, run.buffers.exp_avg_sq!, run.n, s);
    run.scalars.max_lr = maxLr;
    run.scalars.weight_sum = total;
  }

  #refuseInEval(method: string): void {
    if (this.#kept !== undefined) {
      throw new TypeError(`${this.name}.${method}: the parameters hold the evaluation point x (after evalParams()); call trainParams() first`);
    }
  }

  /**
   * Puts the evaluation point x = (y − (1 − β1)·z) / β1 into every parameter (as
   * `optax.contrib.schedule_free_eval_params`), keeping y in the engine's memory (one block as
   * large as the parameters) for {@link ScheduleFreeAdamW.trainParams}. Before a parameter's first
   * step z = y. Calling it again while in eval mode does nothing.
   */
  evalParams(): void {
    if (this.#kept !== undefined) return;
    const groups = this.prepare('evalParams');
    const runs = groups.flatMap((g) => g.runs.map((run) => ({ options: g.options, run })));
    let offsets: number[];
    try {
      offsets = this.engine.allocMany(runs.map((r) => r.run.n));
    } catch (e) {
      if (e instanceof RangeError) e.message = `${this.name}.evalParams: ${e.message}`; // as layout.ts's reserve names its caller
      throw e;
    }
    const k = this.engine.kernels;
    const s = EVAL;
    this.#kept = runs.map(({ options, run }, i) => {
      const b1 = f(options.betas[0]);
      s.oneMinusB1 = f(1 - b1); // optax's eval: 1 − β1 in float32, on the state's float32 β1
      s.b1 = b1;
      k.schedule_free_adamw_eval_f32(run.offset, run.step > 0 ? run.buffers.z! : run.offset, offsets[i]!, run.n, s);
      return { params: [...run.params], offset: offsets[i]! };
    });
  }

  /**
   * Puts back the y that {@link ScheduleFreeAdamW.evalParams} kept, bit for bit, into every
   * parameter still alive, and frees the copy. Does nothing in train mode.
   */
  trainParams(): void {
    const kept = this.#kept;
    if (kept === undefined) return;
    if (this.engine.disposed) throw new TypeError(`${this.name}.trainParams: the engine has been disposed`);
    const k = this.engine.kernels;
    for (const { params, offset } of kept) {
      let at = offset;
      for (const p of params) {
        if (!p.disposed) k.copy_f32(p.offset, at, p.length);
        at += p.length * 4;
      }
    }
    this.#release();
  }

  #release(): void {
    const kept = this.#kept;
    this.#kept = undefined;
    if (kept !== undefined && !this.engine.disposed) for (const { offset } of kept) this.engine.freeFloats(offset);
  }

  /** The closure of the running step(), called through {@link ScheduleFreeAdamW.#checked}. */
  #closure: (() => number) | undefined;
  /** Calls the step's closure, then refuses the step if the closure called evalParams() (made once: a step allocates nothing). */
  readonly #checked = (): number => {
    const loss = this.#closure!();
    this.#refuseInEval('step');
    return loss;
  };

  /** As {@link Optimizer.step}; refused in eval mode, also when the closure enters it. */
  override step(closure?: () => number): number | undefined {
    this.#refuseInEval('step');
    if (typeof closure !== 'function') return super.step(closure);
    this.#closure = closure;
    try {
      return super.step(this.#checked);
    } finally {
      this.#closure = undefined;
    }
  }

  /** As {@link Optimizer.stateDict}; refused in eval mode. */
  override stateDict(): StateDict<Resolved> {
    this.#refuseInEval('stateDict');
    return super.stateDict();
  }

  /** As {@link Optimizer.loadStateDict}; refused in eval mode. */
  override loadStateDict(dict: StateDictInput): void {
    this.#refuseInEval('loadStateDict');
    super.loadStateDict(dict);
  }

  /** As {@link Optimizer.addParamGroup}; refused in eval mode. */
  override addParamGroup(group: { params: readonly Parameter[] } & Partial<Resolved>): void {
    this.#refuseInEval('addParamGroup');
    super.addParamGroup(group);
  }

  /** Frees the state and the kept y; parameters in eval mode keep x. */
  override dispose(): void {
    if (!this.disposed) this.#release();
    super.dispose();
  }
}
