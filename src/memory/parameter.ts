/**
 * Parameters: a value tensor and its gradient, both living in the engine's memory and reached
 * through `Float32Array` views with no copying. Parameters made by one `engine.parameters()` call
 * share two blocks (values, gradients) laid out in the order given, so an optimizer can update
 * all of them with one kernel call.
 *
 * Views go stale when memory grows (the old buffer is detached and the view reads as length 0,
 * so writes to it are lost): `.data` and `.grad` always return a view of the current buffer, so
 * read them again after anything that may allocate (making parameters, constructing an
 * optimizer, an optimizer's first step), or size the memory up front with
 * `createEngine({ initialBytes })`. The engine warns once when its memory grows after views
 * were handed out.
 */
import type { Arena } from './arena.js';

/** The engine-side facts a parameter needs; implemented by `Engine`. */
export interface ParameterHost {
  readonly arena: Arena;
  readonly disposed: boolean;
  /** Parameters disposed so far (lets optimizers skip re-checking their parameters when 0 new). */
  disposals: number;
  /** Called when a parameter makes views of a new buffer (lets the engine warn about later growth). */
  viewsHandedOut(): void;
}

/** A block of values and a block of gradients, freed when its last parameter is disposed. */
export class ParameterBlock {
  live: number;
  constructor(
    readonly host: ParameterHost,
    readonly valueOffset: number,
    readonly gradOffset: number,
    readonly length: number,
    count: number,
  ) {
    this.live = count;
  }

  release(): void {
    if (--this.live === 0 && !this.host.disposed) {
      this.host.arena.free(this.valueOffset);
      this.host.arena.free(this.gradOffset);
    }
  }
}

/**
 * A tensor of the engine: values and gradient. Its shape, length and offsets are fixed at
 * creation and read-only (getters over private fields; the shape is a frozen array), so no
 * assignment can make a kernel write outside the parameter.
 */
export class Parameter {
  /** Optional name, used by `stateDict()` consumers and checkpoints. */
  name: string | undefined;
  readonly #shape: readonly number[];
  readonly #length: number;
  readonly #offset: number;
  readonly #gradOffset: number;
  readonly #block: ParameterBlock;
  #disposed = false;
  #buffer: ArrayBuffer | null = null;
  #data = new Float32Array(0);
  #grad = new Float32Array(0);

  /** @internal made by `Engine.parameters()` */
  constructor(block: ParameterBlock, shape: readonly number[], offset: number, gradOffset: number, name?: string) {
    this.#block = block;
    this.#shape = Object.freeze([...shape]);
    this.#length = shape.reduce((a, b) => a * b, 1);
    this.#offset = offset;
    this.#gradOffset = gradOffset;
    this.name = name;
  }

  /** Shape, as given (a plain length becomes `[length]`); a frozen array. */
  get shape(): readonly number[] {
    return this.#shape;
  }

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** Byte offset of the values in the engine's memory. */
  get offset(): number {
    return this.#offset;
  }

  /** Byte offset of the gradient in the engine's memory. */
  get gradOffset(): number {
    return this.#gradOffset;
  }

  /** The engine that owns this parameter's memory. */
  get host(): ParameterHost {
    return this.#block.host;
  }

  /** True after `dispose()`, or when its engine has been disposed. */
  get disposed(): boolean {
    return this.#disposed || this.#block.host.disposed;
  }

  #views(): void {
    if (this.disposed) throw new TypeError(`parameter${this.name ? ` "${this.name}"` : ''} has been disposed`);
    const buffer = this.#block.host.arena.memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#data = new Float32Array(buffer, this.#offset, this.#length);
      this.#grad = new Float32Array(buffer, this.#gradOffset, this.#length);
      this.#block.host.viewsHandedOut();
    }
  }

  /** Live view of the values (no copy). Re-read it after the memory grows. */
  get data(): Float32Array {
    this.#views();
    return this.#data;
  }

  /** Live view of the gradient (no copy). Re-read it after the memory grows. */
  get grad(): Float32Array {
    this.#views();
    return this.#grad;
  }

  /** Sets every gradient element to 0. */
  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** Frees this parameter; its block is freed when all its siblings are disposed too. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#block.host.disposals++;
    this.#block.release();
  }
}
