/**
 * Exponential moving average of parameters (Polyak & Juditsky, 1992; as TensorFlow's
 * `ExponentialMovingAverage` and timm's `ModelEma`): shadow copies in the engine's memory,
 * updated by one WebAssembly kernel call per contiguous range of parameters.
 *
 * At the t-th update (t = 0, 1, … counts the updates before it):
 * ```
 * d_t = warmup ? min(decay, (1 + t)/(10 + t)) : decay
 * s   ← f32(d_t)·s + f32(1 − d_t)·p        (float32, each product and the sum rounded)
 * ```
 * The shadow starts as a copy of the parameters when the EMA is made.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';
import { bool, checkKeys, checkOptions, float32Values, int, type Schema, unitClosed } from '../validation/index.js';
import { scalars } from '../wasm/kernel-table.js';
import { checkParams, mergeMoves, type Move, rangesOf, type Range } from './ranges.js';


/** y ← a·y + b·x: the shadow moves toward the parameters. */
const AXPBY = scalars('axpby_f32');

/** Options of {@link EMA}. */
export interface EMAOptions {
  /** Decay in [0, 1]: the weight the shadow keeps at each update. Default 0.999. */
  decay?: number;
  /** Use min(decay, (1 + t)/(10 + t)) at the t-th update, so early averages forget the start. Default false. */
  warmup?: boolean;
}

/** A checkpoint of an {@link EMA}. */
export interface EMAState {
  /** Decay in [0, 1]. */
  decay: number;
  /** Whether the decay warms up. */
  warmup: boolean;
  /** Updates made so far (t). */
  numUpdates: number;
  /** The averaged values per parameter, in the order the EMA was given them. */
  shadow: Float32Array[];
}

const OPTIONS: Schema<EMAOptions> = { decay: unitClosed, warmup: bool };
const STATE_KEYS = ['decay', 'warmup', 'numUpdates', 'shadow'];

interface Block {
  range: Range;
  buffer: number;
}

/**
 * EMA of a set of parameters.
 *
 * @example
 * const ema = new EMA(params, { decay: 0.999, warmup: true });
 * for (…) { opt.step(); ema.update(); }
 * ema.swap();  evaluate();  ema.swap();   // evaluate with the averaged weights
 * ema.copyTo(params);                     // or keep them for good
 */
export class EMA {
  /** The engine holding the parameters and their averages. */
  readonly engine: Engine;
  /** The averaged parameters. */
  readonly params: readonly Parameter[];
  /** Decay in [0, 1]: the weight the average keeps at each update. */
  readonly decay: number;
  /** Whether the decay is min(decay, (1 + t)/(10 + t)). */
  readonly warmup: boolean;
  #blocks: Block[] = [];
  #slots = new Map<Parameter, number>();
  #updates = 0;
  #swapped = false;
  #disposed = false;

  constructor(params: Parameter | Iterable<Parameter>, options: EMAOptions = {}) {
    const where = 'EMA';
    const { list, engine } = checkParams(params, where);
    if (!engine) throw new TypeError(`${where}: params must hold at least one parameter`);
    checkOptions(options, OPTIONS, where);
    const { decay = 0.999, warmup = false } = options;
    this.engine = engine;
    this.params = Object.freeze(list);
    this.decay = decay;
    this.warmup = warmup;
    try {
      for (const range of rangesOf(list, 'offset')) {
        const buffer = engine.allocFloats(range.n);
        this.#blocks.push({ range, buffer });
        for (const p of range.params) this.#slots.set(p, buffer + (p.offset - range.offset));
        engine.kernels.copy_f32(buffer, range.offset, range.n);
      }
    } catch (e) {
      for (const b of this.#blocks) engine.freeFloats(b.buffer);
      throw e;
    }
  }

  /** Updates made so far. */
  get numUpdates(): number {
    return this.#updates;
  }

  /** True between two {@link EMA.swap} calls: the parameters hold the averages. */
  get swapped(): boolean {
    return this.#swapped;
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** The decay the next {@link EMA.update} uses. */
  currentDecay(): number {
    const t = this.#updates;
    return this.warmup ? Math.min(this.decay, (1 + t) / (10 + t)) : this.decay;
  }

  #live(where: string): void {
    if (this.#disposed) throw new TypeError(`${where}: the EMA has been disposed`);
    if (this.engine.disposed) throw new TypeError(`${where}: the engine has been disposed`);
    for (const p of this.params) if (p.disposed) throw new TypeError(`${where}: a parameter has been disposed`);
  }

  #notSwapped(where: string): void {
    if (this.#swapped) throw new TypeError(`${where}: the parameters hold the averages (swapped); call swap() again first`);
  }

  /** Folds the current parameter values into the averages. */
  update(): void {
    const where = 'EMA.update';
    this.#live(where);
    this.#notSwapped(where);
    const d = this.currentDecay();
    AXPBY.a = d;
    AXPBY.b = 1 - d;
    const k = this.engine.kernels;
    for (const { range, buffer } of this.#blocks) k.axpby_f32(buffer, range.offset, range.n, AXPBY);
    this.#updates++;
  }

  /**
   * Copies the averages into `targets` (default: the tracked parameters themselves): parameters
   * of the same lengths, in the order the EMA was given its parameters; any engine.
   */
  copyTo(targets: readonly Parameter[] = this.params): void {
    const where = 'EMA.copyTo';
    this.#live(where);
    this.#notSwapped(where);
    if (!Array.isArray(targets)) throw new TypeError(`${where}: targets must be an array of Parameters`);
    if (targets.length !== this.params.length) {
      throw new RangeError(`${where}: expected ${this.params.length} parameters, got ${targets.length}`);
    }
    targets.forEach((t, i) => {
      if (!(t instanceof Parameter)) throw new TypeError(`${where}: targets[${i}] is not a Parameter`);
      if (t.disposed) throw new TypeError(`${where}: targets[${i}] has been disposed`);
      if (t.length !== this.params[i]!.length) {
        throw new RangeError(`${where}: targets[${i}] has ${t.length} elements, the tracked parameter has ${this.params[i]!.length}`);
      }
    });
    const moves: Move[] = [];
    targets.forEach((t, i) => {
      const p = this.params[i]!;
      if (p.length === 0) return;
      const src = this.#slots.get(p)!;
      if (t.host === this.engine) moves.push({ dst: t.offset, src, n: p.length });
      else t.data.set(new Float32Array(this.engine.memory.buffer, src, p.length));
    });
    for (const m of mergeMoves(moves)) this.engine.kernels.copy_f32(m.dst, m.src, m.n);
  }

  /**
   * Exchanges the parameters and the averages: call it before evaluating with the averaged
   * weights and again afterwards. Updates are refused while swapped.
   */
  swap(): void {
    this.#live('EMA.swap');
    const k = this.engine.kernels;
    for (const { range, buffer } of this.#blocks) k.swap_f32(range.offset, buffer, range.n);
    this.#swapped = !this.#swapped;
  }

  /**
   * A live view of the average of `param` (no copy; re-read it after the memory grows). While
   * swapped, the averages are in the parameters and this view holds the training values.
   */
  shadow(param: Parameter): Float32Array {
    this.#live('EMA.shadow');
    const at = this.#slots.get(param);
    if (at === undefined) {
      if (param instanceof Parameter && this.params.includes(param)) return new Float32Array(0);
      throw new TypeError('EMA.shadow: not a parameter this EMA tracks');
    }
    return new Float32Array(this.engine.memory.buffer, at, param.length);
  }

  /** A checkpoint: options, update count and copies of the averages (wherever they are now). */
  stateDict(): EMAState {
    this.#live('EMA.stateDict');
    const f32 = this.engine.heap.f32;
    const shadow = this.params.map((p) => {
      const at = this.#swapped ? p.offset : this.#slots.get(p);
      return at === undefined ? new Float32Array(0) : f32.slice(at >> 2, (at >> 2) + p.length);
    });
    return { decay: this.decay, warmup: this.warmup, numUpdates: this.#updates, shadow };
  }

  /**
   * Restores the averages and the update count from {@link EMA.stateDict} (this EMA keeps its own
   * decay and warmup); everything is checked before anything changes.
   */
  loadStateDict(state: EMAState): void {
    const where = 'EMA.loadStateDict';
    this.#live(where);
    this.#notSwapped(where);
    checkKeys(state, STATE_KEYS, where, { what: 'entry', required: STATE_KEYS });
    unitClosed(state.decay, 'decay', where);
    bool(state.warmup, 'warmup', where);
    int(0)(state.numUpdates, 'numUpdates', where);
    if (!Array.isArray(state.shadow) || state.shadow.length !== this.params.length) {
      throw new RangeError(`${where}: shadow must hold ${this.params.length} arrays`);
    }
    // Float32Arrays, number arrays or what JSON makes of Float32Arrays: all checked before any write.
    const shadow = state.shadow.map((s, i) => float32Values(s, this.params[i]!.length, `${where}: shadow[${i}]`));
    const f32 = this.engine.heap.f32;
    this.params.forEach((p, i) => {
      const at = this.#slots.get(p);
      if (at !== undefined) f32.set(shadow[i]!, at >> 2);
    });
    this.#updates = state.numUpdates;
  }

  /** Frees the averages; the parameters are left as they are (swap back first if swapped). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.engine.disposed) for (const b of this.#blocks) this.engine.freeFloats(b.buffer);
    this.#blocks = [];
    this.#slots.clear();
  }
}
