/**
 * A multilayer perceptron whose parameters, activations and gradients all live in the engine's
 * memory. Every weight and bias is made by one `engine.parameters()` call, so an optimizer over
 * `mlp.parameters` updates the whole network with one kernel call per step. Forward and backward
 * run the blocked SIMD matmul, activation and loss kernels; the buffers they use are allocated
 * once per batch capacity (`reserve`), never per step.
 *
 * ```
 * aₗ = fₗ(aₗ₋₁·Wₗ + bₗ)      a₀ = input, f = hidden activation (last layer: `output`, default identity)
 * ```
 *
 * @example
 * const engine = await createEngine({ initialBytes: 32 << 20 });
 * const net = new MLP(engine, { sizes: [784, 128, 64, 10], activation: 'relu', seed: 1 });
 * const opt = new SGD(net.parameters, { lr: 0.05, momentum: 0.9 });
 * for (const idx of batches(x.length / 784, 32, rng)) {
 *   opt.zeroGrad();
 *   net.forward(gatherRows(x, 784, idx, xb));
 *   const loss = net.loss('softmax-cross-entropy', gatherRows(y, 10, idx, yb));
 *   net.backward();
 *   opt.step();
 * }
 */
import type { Engine } from '../engine.js';
import type { Parameter } from '../memory/parameter.js';
import { checkKeys } from '../validation/index.js';
import { type Activation, ACTIVATIONS, activationBackward, activationForward } from './activation.js';
import { type Init, INITS, initWeights } from './init.js';
import { Linear } from './linear.js';
import { computeLoss, type Loss, LOSSES } from './loss.js';
import { Random } from './random.js';

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** Layer widths, input first: `[784, 128, 64, 10]` is three dense layers. At least two entries. */
  sizes: readonly number[];
  /** Activation after each hidden layer: one for all, or one per hidden layer. Default `'relu'`. */
  activation?: Activation | readonly Activation[];
  /** Activation after the last layer. Default `'identity'` (the losses take logits). */
  output?: Activation;
  /** Weight initialisation. Default `'kaiming'` before ReLU layers, `'xavier'` otherwise. */
  init?: Init;
  /** Seed of the initialisation. Default 0. */
  seed?: number;
  /** Whether the layers have biases. Default true. */
  bias?: boolean;
}

interface Workspace {
  capacity: number;
  block: number;
  input: number;
  /** Activated output of each layer. */
  outs: number[];
  /** ∂L/∂(output) of each layer, then ∂L/∂(pre-activation) during backward. */
  deltas: number[];
  target: number;
}

const OPTION_KEYS = ['sizes', 'activation', 'output', 'init', 'seed', 'bias'];
const align16 = (floats: number) => Math.ceil(floats / 16) * 16; // 64-byte sections

/** A multilayer perceptron whose parameters, activations and gradients live in the engine's memory; `parameters` are contiguous, so an optimizer updates the whole network with one kernel call. `forward`, `loss`, `backward` (adding into the gradients), `predict`. */
export class MLP {
  /** The engine holding the network. */
  readonly engine: Engine;
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** The dense layers, input side first. */
  readonly layers: readonly Linear[];
  /** Every weight and bias, in layer order (weight, bias, weight, bias, …), contiguous in memory. */
  readonly parameters: readonly Parameter[];
  /** The activation after each layer (the last is `output`). */
  readonly activations: readonly Activation[];
  #ws: Workspace | null = null;
  #rows = -1; // rows of the last forward (-1: none)
  #hasGrad = false; // ∂L/∂output is ready for backward
  #disposed = false;

  constructor(engine: Engine, options: MLPOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('MLP: options must be an object');
    checkKeys(options, OPTION_KEYS, 'MLP');
    const { sizes, activation = 'relu', output = 'identity', seed = 0, bias = true } = options;
    if (!Array.isArray(sizes) || sizes.length < 2) throw new TypeError('MLP: sizes must be an array of at least two layer widths');
    for (const s of sizes) if (!Number.isInteger(s) || s <= 0) throw new RangeError(`MLP: sizes must be positive integers, got [${sizes.join(', ')}]`);
    const hidden = sizes.length - 2;
    const acts = typeof activation === 'string' ? Array<Activation>(hidden).fill(activation) : [...activation];
    if (acts.length !== hidden) throw new RangeError(`MLP: activation lists ${acts.length} entries for ${hidden} hidden layers`);
    for (const a of [...acts, output]) {
      if (!ACTIVATIONS.includes(a)) throw new TypeError(`MLP: activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(a)}`);
    }
    if (options.init !== undefined && !INITS.includes(options.init)) {
      throw new TypeError(`MLP: init must be one of ${INITS.join(', ')}, got ${JSON.stringify(options.init)}`);
    }
    if (typeof bias !== 'boolean') throw new TypeError('MLP: bias must be a boolean');
    const rng = new Random(seed); // validates the seed
    if (engine.disposed) throw new TypeError('MLP: the engine has been disposed');

    const specs = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      specs.push({ shape: [sizes[l]!, sizes[l + 1]!], name: `layers.${l}.weight` });
      if (bias) specs.push({ shape: [sizes[l + 1]!], name: `layers.${l}.bias` });
    }
    const params = engine.parameters(specs);
    const per = bias ? 2 : 1;
    this.engine = engine;
    this.sizes = Object.freeze([...sizes]);
    this.activations = Object.freeze([...acts, output]);
    this.parameters = Object.freeze(params);
    this.layers = Object.freeze(
      sizes.slice(0, -1).map((inF, l) => {
        const w = params[l * per]!;
        const init = options.init ?? (this.activations[l] === 'relu' ? 'kaiming' : 'xavier');
        initWeights(w.data, inF, sizes[l + 1]!, init, rng);
        return new Linear(engine, w, bias ? params[l * per + 1]! : null);
      }),
    );
  }

  /** Width of the input (`sizes[0]`). */
  get inputSize(): number {
    return this.sizes[0]!;
  }

  /** Width of the output (the last of `sizes`). */
  get outputSize(): number {
    return this.sizes[this.sizes.length - 1]!;
  }

  /** Number of trainable floats. */
  get numParameters(): number {
    return this.parameters.reduce((a, p) => a + p.length, 0);
  }

  /** Rows the buffers currently hold. */
  get capacity(): number {
    return this.#ws?.capacity ?? 0;
  }

  #live(where: string): void {
    if (this.#disposed) throw new TypeError(`MLP.${where}: the network has been disposed`);
    if (this.engine.disposed) throw new TypeError(`MLP.${where}: the engine has been disposed`);
  }

  /**
   * Makes room for batches of up to `rows` rows (one allocation; may grow the memory, which
   * detaches earlier views). Calls with fewer rows reuse it; `forward` calls this as needed.
   */
  reserve(rows: number): void {
    this.#live('reserve');
    if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`MLP.reserve: rows must be a non-negative integer, got ${rows}`);
    if (this.#ws && this.#ws.capacity >= rows) return;
    const widths = this.sizes.slice(1);
    const sections = [this.inputSize, ...widths, ...widths, this.outputSize].map((w) => align16(w * Math.max(rows, 1)));
    const block = this.engine.allocFloats(sections.reduce((a, b) => a + b, 0));
    if (this.#ws) this.engine.freeFloats(this.#ws.block);
    let at = block;
    const next = (i: number) => {
      const off = at;
      at += sections[i]! * 4;
      return off;
    };
    const L = widths.length;
    const input = next(0);
    const outs = widths.map((_, l) => next(1 + l));
    const deltas = widths.map((_, l) => next(1 + L + l));
    this.#ws = { capacity: rows, block, input, outs, deltas, target: next(1 + 2 * L) };
    this.#rows = -1;
    this.#hasGrad = false;
  }

  /**
   * Runs the network on `x` (rows × inputSize floats, row-major; copied into the engine) and
   * returns a live view of the output (rows × outputSize). The view is valid until the next call
   * on this network; copy it to keep it.
   */
  forward(x: ArrayLike<number>): Float32Array {
    this.#live('forward');
    if (x === null || typeof x !== 'object' || typeof x.length !== 'number') throw new TypeError('MLP.forward: x must be an array of numbers');
    const rows = x.length / this.inputSize;
    if (!Number.isInteger(rows)) throw new RangeError(`MLP.forward: x has ${x.length} floats, not a multiple of the input size ${this.inputSize}`);
    this.reserve(rows);
    const ws = this.#ws!;
    this.engine.heap.f32.set(x, ws.input >> 2);
    let prev = ws.input;
    this.layers.forEach((layer, l) => {
      layer.forward(prev, ws.outs[l]!, rows);
      activationForward(this.engine, this.activations[l]!, ws.outs[l]!, ws.outs[l]!, rows * layer.outFeatures);
      prev = ws.outs[l]!;
    });
    this.#rows = rows;
    this.#hasGrad = false;
    return this.output();
  }

  /** A live view of the last forward's output (rows × outputSize). */
  output(): Float32Array {
    this.#live('output');
    if (this.#rows < 0) throw new TypeError('MLP.output: call forward() first');
    const off = this.#ws!.outs[this.layers.length - 1]!;
    return new Float32Array(this.engine.memory.buffer, off, this.#rows * this.outputSize);
  }

  /**
   * The mean `loss` of the last forward's output against `target` (rows × outputSize floats;
   * one-hot or probability rows for softmax cross-entropy). Also stores ∂loss/∂output for
   * {@link MLP.backward}.
   */
  loss(loss: Loss, target: ArrayLike<number>): number {
    this.#live('loss');
    if (!LOSSES.includes(loss)) throw new TypeError(`MLP.loss: loss must be one of ${LOSSES.join(', ')}, got ${JSON.stringify(loss)}`);
    if (this.#rows < 0) throw new TypeError('MLP.loss: call forward() first');
    if (target === null || typeof target !== 'object' || target.length !== this.#rows * this.outputSize) {
      throw new RangeError(`MLP.loss: target must hold ${this.#rows * this.outputSize} floats (rows × outputSize)`);
    }
    const ws = this.#ws!;
    const last = this.layers.length - 1;
    this.engine.heap.f32.set(target, ws.target >> 2);
    const value = computeLoss(this.engine, loss, ws.outs[last]!, ws.target, ws.deltas[last]!, this.#rows, this.outputSize);
    this.#hasGrad = true;
    return value;
  }

  /**
   * Back-propagates ∂loss/∂output (from {@link MLP.loss}, or `gradOutput`: rows × outputSize
   * floats) and **adds** the parameter gradients into each parameter's `.grad`.
   */
  backward(gradOutput?: ArrayLike<number>): void {
    this.#live('backward');
    if (this.#rows < 0) throw new TypeError('MLP.backward: call forward() first');
    const ws = this.#ws!;
    const rows = this.#rows;
    const last = this.layers.length - 1;
    if (gradOutput !== undefined) {
      if (gradOutput === null || typeof gradOutput !== 'object' || gradOutput.length !== rows * this.outputSize) {
        throw new RangeError(`MLP.backward: gradOutput must hold ${rows * this.outputSize} floats (rows × outputSize)`);
      }
      this.engine.heap.f32.set(gradOutput, ws.deltas[last]! >> 2);
    } else if (!this.#hasGrad) {
      throw new TypeError('MLP.backward: call loss() after forward(), or pass gradOutput');
    }
    for (let l = last; l >= 0; l--) {
      const n = rows * this.layers[l]!.outFeatures;
      activationBackward(this.engine, this.activations[l]!, ws.outs[l]!, ws.deltas[l]!, ws.deltas[l]!, n);
      this.layers[l]!.backward(l === 0 ? ws.input : ws.outs[l - 1]!, ws.deltas[l]!, l === 0 ? null : ws.deltas[l - 1]!, rows);
    }
    this.#hasGrad = false;
  }

  /** Sets every parameter gradient to 0 (one fill: the gradients are contiguous). */
  zeroGrad(): void {
    this.#live('zeroGrad');
    const first = this.parameters[0]!;
    new Float32Array(this.engine.memory.buffer, first.gradOffset, this.numParameters).fill(0);
  }

  /**
   * Outputs for every row of `x` (a copy), computed `batchSize` rows at a time. Runs `forward`,
   * so it replaces the state a pending `backward` would use.
   *
   * @example
   * const logits = net.predict(testImages);           // rows × outputSize
   */
  predict(x: ArrayLike<number>, batchSize = 256): Float32Array {
    this.#live('predict');
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`MLP.predict: batchSize must be a positive integer, got ${batchSize}`);
    const rows = x.length / this.inputSize;
    if (!Number.isInteger(rows)) throw new RangeError(`MLP.predict: x has ${x.length} floats, not a multiple of the input size ${this.inputSize}`);
    const out = new Float32Array(rows * this.outputSize);
    const src = x instanceof Float32Array ? x : Float32Array.from(x);
    for (let r = 0; r < rows; r += batchSize) {
      const end = Math.min(rows, r + batchSize);
      out.set(this.forward(src.subarray(r * this.inputSize, end * this.inputSize)), r * this.outputSize);
    }
    return out;
  }

  /** Frees the buffers and the parameters. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ws && !this.engine.disposed) this.engine.freeFloats(this.#ws.block);
    this.#ws = null;
    for (const p of this.parameters) p.dispose();
  }
}
