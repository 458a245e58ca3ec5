/**
 * L-BFGS (Liu & Nocedal, 1989, On the limited memory BFGS method for large scale optimization,
 * https://doi.org/10.1007/BF01589116), with the semantics of `torch.optim.LBFGS` 2.11 (itself
 * after minFunc): a closure-driven method over the flat vector of all its parameters.
 *
 * One `step(closure)` runs up to `maxIter` iterations (and about `maxEval` closure calls), each:
 * ```
 * g ← ∇f(x)                                 (the closure sets every parameter's grad)
 * y ← g − g_prev,  s ← t_prev·d_prev;  if y·s > 1e-10 keep (y, s) (the last historySize pairs),
 *                                       H₀ ← y·s / y·y
 * d ← −H·g                                  two-loop recursion (d ← −g at the very first iteration)
 * t ← min(1, 1/‖g‖₁)·lr at the first iteration, else lr;  or the strong-Wolfe line search from it
 * x ← x + t·d
 * ```
 * It stops early when max |g| ≤ toleranceGrad (also before the first iteration), g·d >
 * −toleranceChange, max |t·d| ≤ toleranceChange or |f − f_prev| < toleranceChange.
 *
 * Vector arithmetic is float32 (WebAssembly kernels, one call per parameter); dot products and
 * sums accumulate in float64 in a fixed order and round once to float32, where torch returns a
 * float32 tensor. The scalar logic follows torch's mix of Python floats (float64: losses, lr,
 * tolerances) and float32 tensors (dot products, ρ, H₀, and a step t computed from them).
 *
 * State (per parameter, its slice of each flat vector): `d`, `prev_flat_grad`, `old_dirs` and
 * `old_stps` (historySize rows of the parameter's length, row 0 the oldest pair); scalars, the
 * same in every parameter's entry: `func_evals`, `n_iter`, `t`, `prev_loss` as torch, and
 * `history`, the number of pairs held. torch's `ro` and `H_diag` are recomputed from the pairs
 * (the same dot products, so the same bits); its `al` is scratch.
 */
import type { Parameter } from '../memory/parameter.js';
import type { Kernels } from '../wasm/kernels.js';
import { sameParams } from './groups.js';
import type { Registration } from './registration.js';
import { type Num, float, gt, le, strongWolfe, tensor } from './lbfgs-line-search.js';
import { checkConsistent, FlatVectors, type History, rotated, slotOf, twoLoop, type Vec } from './lbfgs-vectors.js';
import { Optimizer, type ParamsInput, type Run, type StateDict } from './optimizer.js';
import type { StateDictInput } from './state-dict-input.js';
import { int, nonNegative, num, type Schema, show } from '../validation/index.js';

const f = Math.fround;

/** Options of {@link LBFGS}, as passed to its constructor: every field optional. */
export interface LBFGSOptions {
  /** Learning rate: the initial step of each iteration (of the line search, if any). Default 1. */
  lr?: number;
  /** Iterations per `step()`. Default 20. */
  maxIter?: number;
  /** Closure calls per `step()` after which no new iteration starts. Default ⌊maxIter·5/4⌋ (null: the same). */
  maxEval?: number | null;
  /** Stop when max |g| ≤ toleranceGrad (first-order optimality); ≥ 0, Infinity allowed (a step then only evaluates). Default 1e-7. */
  toleranceGrad?: number;
  /** Stop when the directional derivative, the step or the loss change falls below it; ≥ 0, Infinity allowed. Default 1e-9. */
  toleranceChange?: number;
  /** Pairs (y, s) kept; sizes the state (2·historySize floats per parameter element); fixed once made. Default 100. */
  historySize?: number;
  /** `'strong_wolfe'` for the strong-Wolfe line search, null for fixed steps of lr. Default null. */
  lineSearchFn?: 'strong_wolfe' | null;
}

/** {@link LBFGSOptions} resolved, as `opt.paramGroups[0]` holds them. */
export type LBFGSGroup = Required<Omit<LBFGSOptions, 'maxEval'>> & {
  /** Closure calls per `step()` after which no new iteration starts (resolved: a number). */
  maxEval: number;
};

/** `'strong_wolfe'` or null: anything else is of the wrong type (the option's type is that union). */
function lineSearch(v: unknown, name: string, where: string): void {
  if (v !== null && v !== 'strong_wolfe') throw new TypeError(`${where}: ${name} must be 'strong_wolfe' or null, got ${show(v)}`);
}

const SCHEMA: Schema<LBFGSGroup> = {
  lr: nonNegative,
  maxIter: int(1),
  maxEval: int(1),
  toleranceGrad: num({ min: 0, infinite: true }),
  toleranceChange: num({ min: 0, infinite: true }),
  historySize: int(1, 1 << 20),
  lineSearchFn: lineSearch,
};

const DEFAULTS: LBFGSGroup = { lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null };

/** The global scalars, kept in every run (so in every parameter's saved entry). */
interface Scalars {
  func_evals: number;
  n_iter: number;
  t: number;
  prev_loss: number;
  history: number;
}
const SCALARS: Scalars = { func_evals: 0, n_iter: 0, t: 0, prev_loss: 0, history: 0 };
const INTEGER_SCALARS = ['func_evals', 'n_iter', 'history'];
const HISTORY_BUFFERS = ['old_dirs', 'old_stps'];
/** Slots for gradients the line search keeps (it never holds more than three at once). */
const GRAD_SLOTS = ['ls_g0', 'ls_g1', 'ls_g2'];

/**
 * What this optimizer's buffers are laid out for. Kept outside the instance because the base
 * constructor lays out the state (calling {@link LBFGS.bufferLength}) before the subclass's
 * own fields exist.
 */
interface Layout {
  /** historySize of the buffers. */
  history: number;
  /** historySize of the state being loaded (while loadStateDict runs). */
  loading?: number;
  /** Physical row of the oldest pair (the history is a ring). */
  head: number;
  /** The parameters the last step ran over: another list restarts the memory. */
  params: readonly Parameter[];
}
const LAYOUT = new WeakMap<object, Layout>();
/** The optimizers whose step() is calling its closure: the closure may not step or load a state (that would rewrite the buffers in use). */
const IN_CLOSURE = new WeakSet<object>();

/**
 * L-BFGS. `step(closure)` needs the closure: it must recompute the loss, write every parameter's
 * gradient into `p.grad`, and return the loss as a number; it is called several times per step
 * (up to about `maxEval` times, more with the line search, which may take 25 evaluations in one
 * iteration). One param group only, as torch; no `maximize`.
 *
 * @example
 * const [w] = engine.parameters([[2]]);
 * const opt = new LBFGS([w], { lineSearchFn: 'strong_wolfe' });
 * const loss = opt.step(() => {
 *   const [a, b] = w.data;
 *   w.grad.set([2 * (a - 1), 4 * (b + 2)]); // ∇ of (a − 1)² + 2(b + 2)²
 *   return (a - 1) ** 2 + 2 * (b + 2) ** 2;
 * });
 */
export class LBFGS extends Optimizer<LBFGSGroup> {
  /** The registry key, the option sets the contract tests run, and the playground's settings. */
  static readonly registration: Registration<LBFGSOptions, 'lbfgs'> = {
    key: 'lbfgs',
    // historySize stays at its default here: the suites edit every numeric option of a set, and it
    // is fixed once made (its wrap-around is tested in test/lbfgs.test.ts). maxIter·3/4 is whole.
    optionSets: [{ lr: 0.5, maxIter: 4 }, { lr: 1, maxIter: 8, lineSearchFn: 'strong_wolfe' }],
    closure: true,
    oneGroup: true,
    bench: [], // a step is many closure calls: see src/cli/bench/lbfgs.ts for the two-loop recursion alone
    // One iteration (with its line search) per playground step.
    playground: { rate: 'plain', options: { lr: 1, maxIter: 1, historySize: 10, lineSearchFn: 'strong_wolfe' } },
  };

  constructor(params: ParamsInput<LBFGSOptions>, options?: LBFGSOptions) {
    const first: unknown = Array.isArray(params) ? params[0] : undefined;
    if (Array.isArray(params) && params.length > 1 && typeof first === 'object' && first !== null && 'params' in first) {
      throw new RangeError(`LBFGS: params must form one param group (LBFGS doesn't support per-parameter options), got ${params.length} groups`);
    }
    super(params as ParamsInput<LBFGSGroup>, withMaxEval(options), { name: 'LBFGS', defaults: DEFAULTS, schema: SCHEMA });
    LAYOUT.set(this, { history: this.paramGroups[0]!.historySize, head: 0, params: [] });
  }

  protected bufferNames(): readonly string[] {
    return ['d', 'prev_flat_grad', ...HISTORY_BUFFERS];
  }

  protected scratchBuffers(o: LBFGSGroup): readonly string[] {
    return o.lineSearchFn === null ? [] : ['x_init', ...GRAD_SLOTS];
  }

  protected bufferLength(name: string, p: Parameter): number {
    if (!HISTORY_BUFFERS.includes(name)) return p.length;
    const l = LAYOUT.get(this);
    return (l?.loading ?? l?.history ?? this.paramGroups[0]!.historySize) * p.length;
  }

  protected scalarState(): Record<string, number> {
    return { ...SCALARS };
  }

  protected checkScalarState(name: string, value: unknown, what: string): void {
    super.checkScalarState(name, value, what);
    if (!INTEGER_SCALARS.includes(name)) return;
    const l = LAYOUT.get(this);
    const max = name === 'history' ? (l?.loading ?? l?.history ?? Infinity) : Infinity;
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max) {
      throw new RangeError(`${what} must be an integer in [0, ${max}], got ${show(value)}`);
    }
  }

  protected checkGroup(g: LBFGSGroup, where: string): void {
    const l = LAYOUT.get(this);
    if (l === undefined) return; // constructing: the layout follows the group
    if (l.loading !== undefined) l.loading = g.historySize;
    else if (g.historySize !== l.history) {
      throw new RangeError(`${where}: historySize is fixed once the optimizer is made (it sizes the history buffers: ${l.history}), got ${show(g.historySize)}; load a state dict or make a new LBFGS to change it`);
    }
  }

  /** Refused: LBFGS has one param group, as torch. */
  addParamGroup(_group: { params: readonly Parameter[] } & Partial<LBFGSGroup>): void {
    throw new RangeError("LBFGS.addParamGroup: LBFGS doesn't support per-parameter options (there is one param group)");
  }

  /** Never called: {@link LBFGS.step} runs the iterations itself. */
  protected stepRun(_o: LBFGSGroup, _run: Run, _k: Kernels): void {
    throw new Error('LBFGS: steps run through step(closure)');
  }

  /** The state, history rows oldest first (see the class documentation). */
  stateDict(): StateDict<LBFGSGroup> {
    const sd = super.stateDict();
    const l = LAYOUT.get(this)!;
    if (l.head !== 0) {
      for (const entry of Object.values(sd.state)) for (const b of HISTORY_BUFFERS) entry[b] = rotated(entry[b] as Float32Array, l.history, l.head);
    }
    return sd;
  }

  /** Restores a state from {@link LBFGS.stateDict}; every parameter's entry must be there with the same scalars, or none. */
  loadStateDict(dict: StateDictInput): void {
    if (IN_CLOSURE.has(this)) throw new TypeError('LBFGS.loadStateDict: called by the closure of a running step(), whose state it would rewrite');
    checkConsistent(dict, this.paramGroups[0]?.params.length ?? 0, ['step', ...Object.keys(SCALARS)]);
    const l = LAYOUT.get(this)!;
    l.loading = l.history;
    try {
      super.loadStateDict(dict);
      l.history = l.loading;
      l.head = 0;
      l.params = [...this.paramGroups[0]!.params];
    } finally {
      l.loading = undefined;
    }
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations, calling `closure` to evaluate the loss and the
   * gradients; returns the loss of the first evaluation (as torch). The closure must be
   * synchronous, write every parameter's `grad` and return a number.
   */
  step(closure?: () => number): number {
    if (typeof closure !== 'function') throw new TypeError(`LBFGS.step: closure must be a function that sets every parameter's grad and returns the loss, got ${show(closure)}`);
    if (IN_CLOSURE.has(this)) throw new TypeError('LBFGS.step: called by the closure of a running step(), whose state it would rewrite');
    const [plan] = this.prepare('step');
    const o = plan!.options, runs = plan!.runs;
    const l = LAYOUT.get(this)!;
    const params = this.paramGroups[0]!;
    const v = new FlatVectors(this.engine, runs, (b, p) => this.bufferLength(b, p));
    const sc: Scalars = { ...(runs.find((r) => r.step > 0) ?? runs[0]!).scalars } as unknown as Scalars;
    const h: History = { size: l.history, count: sc.history, head: l.head };
    // Another parameter list than the last step's: start the memory afresh (as at the first iteration).
    if (sc.n_iter > 0 && !sameParams(params.params, l.params)) sc.n_iter = sc.history = h.count = h.head = 0;

    const origLoss = this.#evaluate(closure);
    let loss = origLoss;
    const stepCount = Math.max(...runs.map((r) => r.step)) + 1;
    for (const r of runs) r.step = stepCount;
    sc.func_evals++;
    try {
      this.#iterate(closure, o, v, sc, h, loss);
    } finally {
      // Whatever happened (a closure may throw), the scalars match the buffers.
      sc.history = h.count;
      l.head = h.head;
      l.params = [...params.params];
      for (const r of runs) r.scalars = { ...sc } as unknown as Record<string, number>;
    }
    return origLoss;
  }

  /** The iterations of one step (torch's `while n_iter < max_iter` loop). */
  #iterate(closure: () => number, o: LBFGSGroup, v: FlatVectors, sc: Scalars, h: History, loss: number): void {
    const tolGrad = float(o.toleranceGrad), tolChange = float(o.toleranceChange);
    let flat: Vec = v.grads;
    if (le(tensor(v.maxAbs(flat)), tolGrad)) return;
    const B = v.buffers;
    const d = B.d!, prev = B.prev_flat_grad!;
    const dirs = Array.from({ length: h.size }, (_, i) => v.row('old_dirs', i));
    const stps = Array.from({ length: h.size }, (_, i) => v.row('old_stps', i));
    const ro = new Float64Array(h.size), al = new Float64Array(h.size);
    // ro and H_diag from the pairs held (each y·s as computed when the pair was kept).
    for (let i = 0; i < h.count; i++) {
      const k = slotOf(h, i);
      ro[k] = f(1 / v.dot(dirs[k]!, stps[k]!));
    }
    let hDiag = 1;
    if (h.count > 0) {
      const k = slotOf(h, h.count - 1);
      const yk = dirs[k]!;
      hDiag = f(v.dot(yk, stps[k]!) / v.dot(yk, yk));
    }
    let t: Num = float(sc.t);
    let currentEvals = 1;
    let nIter = 0;
    while (nIter < o.maxIter) {
      nIter++;
      sc.n_iter++;
      if (sc.n_iter === 1) {
        v.neg(d, flat);
        h.count = h.head = 0;
        hDiag = 1;
      } else {
        const tf = f(t.v);
        const [ys, yy] = v.curvature(flat, prev, d, tf);
        if (gt(tensor(ys), float(1e-10))) {
          // keep (y, s): in the oldest row when the ring is full
          const k = h.count === h.size ? h.head : slotOf(h, h.count);
          v.push(flat, prev, d, dirs[k]!, stps[k]!, tf);
          if (h.count === h.size) h.head = (h.head + 1) % h.size;
          else h.count++;
          ro[k] = f(1 / ys);
          hDiag = f(ys / yy);
        }
        twoLoop(v, h, dirs, stps, ro, al, flat, d, hDiag);
      }
      v.copy(prev, flat);
      sc.prev_loss = loss;
      // reset initial guess for step size
      if (sc.n_iter === 1) {
        const inv = tensor(1 / v.sumAbs(flat)); // 1.0 / flat_grad.abs().sum()
        t = inv.v < 1 ? tensor(inv.v * f(o.lr)) : float(o.lr); // min(1.0, inv) * lr
      } else t = float(o.lr);
      sc.t = t.v;
      // directional derivative
      const gtd = tensor(v.dot(flat, d));
      if (gt(gtd, float(-o.toleranceChange))) break;
      let lsEvals = 0;
      let optCond = false;
      if (o.lineSearchFn === 'strong_wolfe') {
        const x = B.x_init!;
        v.copy(x, v.params);
        const slots = [B.ls_g0!, B.ls_g1!, B.ls_g2!];
        const host = {
          dNorm: tensor(v.maxAbs(d)),
          evaluate: (tt: Num, slot: number) => {
            v.axpy(v.params, d, f(tt.v));
            let fl: number;
            try {
              fl = this.#evaluate(closure);
            } finally {
              v.copy(v.params, x);
            }
            v.copy(slots[slot]!, v.grads);
            return { loss: fl, gtd: tensor(v.dot(slots[slot]!, d)) };
          },
        };
        const r = strongWolfe(host, t, loss, gtd);
        loss = r.loss;
        flat = r.grad < 0 ? prev : slots[r.grad]!;
        t = r.t;
        sc.t = t.v;
        lsEvals = r.evals;
        v.axpy(v.params, d, f(t.v));
        optCond = le(tensor(v.maxAbs(flat)), tolGrad);
      } else {
        v.axpy(v.params, d, f(t.v));
        if (nIter !== o.maxIter) {
          // re-evaluate function only if not in last iteration
          loss = this.#evaluate(closure);
          flat = v.grads;
          optCond = le(tensor(v.maxAbs(flat)), tolGrad);
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      sc.func_evals += lsEvals;
      if (nIter === o.maxIter) break;
      if (currentEvals >= o.maxEval) break;
      if (optCond) break;
      // lack of progress: max |d·t| ≤ toleranceChange (rounding is monotonic: max |fl(dᵢ·t)| = fl(max |dᵢ|·|t|))
      if (le(tensor(v.maxAbs(d) * Math.abs(f(t.v))), tolChange)) break;
      if (Math.abs(loss - sc.prev_loss) < o.toleranceChange) break;
    }
  }

  /** Calls the closure: its loss as a number (a Python float), with the optimizer checked alive after it. */
  #evaluate(closure: () => number): number {
    let loss: unknown;
    IN_CLOSURE.add(this);
    try {
      loss = closure();
    } finally {
      IN_CLOSURE.delete(this);
    }
    if (typeof loss !== 'number') throw new TypeError(`LBFGS.step: the closure must return the loss as a number, got ${show(loss)}`);
    if (this.disposed) throw new TypeError('LBFGS.step: the optimizer has been disposed by the closure');
    if (this.engine.disposed) throw new TypeError('LBFGS.step: the engine has been disposed by the closure');
    for (const p of this.paramGroups[0]!.params) if (p.disposed) throw new TypeError('LBFGS.step: a parameter has been disposed by the closure');
    return loss;
  }
}

/** The options with torch's default maxEval (⌊maxIter·5/4⌋) where it is not given. */
function withMaxEval(options: LBFGSOptions | undefined): Partial<LBFGSGroup> | undefined {
  if (options === undefined || options === null || typeof options !== 'object') return options as undefined;
  if (options.maxEval !== undefined && options.maxEval !== null) return options as Partial<LBFGSGroup>;
  const maxIter = Object.hasOwn(options, 'maxIter') ? options.maxIter : DEFAULTS.maxIter;
  const { maxEval: _m, ...rest } = options;
  return Number.isInteger(maxIter) && (maxIter as number) >= 1 ? { ...rest, maxEval: Math.floor(((maxIter as number) * 5) / 4) } : (rest as Partial<LBFGSGroup>);
}
