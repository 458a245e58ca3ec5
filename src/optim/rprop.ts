/**
 * Rprop: resilient backpropagation (Riedmiller & Braun, 1993, "A Direct Adaptive Method for
 * Faster Backpropagation Learning: The RPROP Algorithm", https://doi.org/10.1109/ICNN.1993.298623),
 * with the semantics of `torch.optim.Rprop` 2.11 (single-tensor path). Meant for full-batch
 * gradients: only the sign of the gradient is used.
 *
 * Per element (g negated when `maximize`; s starts at lr on the first step, prev at 0):
 * ```
 * q = g·prev
 * s ← clamp(s·η, sMin, sMax)     η = η+ if q > 0, η− if q < 0, 1 otherwise (q = 0 or NaN)
 * g ← 0 where q < 0              (a sign change skips the step and forgets the sign)
 * p ← p − sign(g)·s              (sign(0) = sign(NaN) = 0)
 * prev ← g
 * ```
 * `lr` only sets the initial step size: changing it later (a scheduler) has no effect, as in torch.
 * Defaults: lr 1e-2, etas [0.5, 1.2] (= [η−, η+]), stepSizes [1e-6, 50] (= [sMin, sMax]),
 * maximize false. State: `prev`, `step_size` (s).
 */
import { type Kernels, scalars } from '../wasm/kernels.js';
import type { Registration } from './registration.js';
import { Optimizer, type ParamsInput, type Run } from './optimizer.js';
import { bool, type Check, nonNegative, pair, positive, type Schema } from '../validation/index.js';

const f = Math.fround;
const RPROP = scalars('rprop_f32');

/** Options of {@link Rprop}, as passed to its constructor: every field optional, defaults as noted (`opt.paramGroups` holds them resolved). */
export interface RpropOptions {
  /** Learning rate: the initial step size of every element. Default 1e-2. */
  lr?: number;
  /** `[η−, η+]`: step size factors after a sign change / no sign change; 0 < η− < 1 < η+. Default [0.5, 1.2]. */
  etas?: [number, number];
  /** `[sMin, sMax]`: bounds of the step size; 0 ≤ sMin ≤ sMax. Default [1e-6, 50]. */
  stepSizes?: [number, number];
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

/** torch's rule: 0 < η− < 1 < η+. */
const etas: Check = (v, name, where) => {
  pair(positive)(v, name, where);
  const [em, ep] = v as [number, number];
  if (!(em > 0 && em < 1 && ep > 1)) {
    throw new RangeError(`${where}: ${name} must satisfy 0 < ${name}[0] < 1 < ${name}[1], got [${em}, ${ep}]`);
  }
};

/** 0 ≤ sMin ≤ sMax. */
const stepSizes: Check = (v, name, where) => {
  pair(nonNegative)(v, name, where);
  const [lo, hi] = v as [number, number];
  if (!(lo <= hi)) throw new RangeError(`${where}: ${name} must satisfy ${name}[0] <= ${name}[1], got [${lo}, ${hi}]`);
};

const SCHEMA: Schema<Required<RpropOptions>> = { lr: nonNegative, etas, stepSizes, maximize: bool };

const DEFAULTS: Required<RpropOptions> = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false };

/**
 * Rprop.
 *
 * @example
 * const [w] = engine.parameters([[10, 10]]);
 * const opt = new Rprop([w], { lr: 0.01, etas: [0.5, 1.2], stepSizes: [1e-6, 50] });
 * // … write the full-batch gradient into w.grad …
 * opt.step();
 */
export class Rprop extends Optimizer<Required<RpropOptions>> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<RpropOptions, 'rprop'> = {
    key: 'rprop',
    optionSets: [{ lr: 0.01 }, { lr: 0.05, etas: [0.3, 1.5], stepSizes: [1e-5, 1], maximize: true }],
    playground: { rate: 'adaptive' },
  };

  constructor(params: ParamsInput<RpropOptions>, options?: RpropOptions) {
    super(params, options, { name: 'Rprop', defaults: DEFAULTS, schema: SCHEMA });
  }

  protected bufferNames(): readonly string[] {
    return ['prev', 'step_size'];
  }

  /** The step size starts at the group's lr as it is at the first step. */
  protected initRun(o: Required<RpropOptions>, run: Run, heap: Float32Array): void {
    const at = run.buffers.step_size! >> 2;
    // + 0: an lr of −0 starts at +0, as torch's clamp would make it.
    heap.fill(f(o.lr) + 0, at, at + run.n);
  }

  protected stepRun(o: Required<RpropOptions>, run: Run, k: Kernels): void {
    const s = RPROP;
    s.gradSign = o.maximize ? -1 : 1;
    s.etaMinus = o.etas[0];
    s.etaPlus = o.etas[1];
    s.stepMin = o.stepSizes[0];
    s.stepMax = o.stepSizes[1];
    const { prev, step_size: size } = run.buffers as Record<string, number>;
    k.rprop_f32(run.offset, run.gradOffset, prev!, size!, run.n, s);
  }

}
