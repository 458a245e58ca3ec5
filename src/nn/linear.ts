/**
 * A dense layer y = x·W + b over row-major batches in the engine's memory, weight stored
 * [inFeatures × outFeatures] (the transpose of torch's `nn.Linear.weight`), bias [outFeatures].
 * Forward and backward are single calls of the blocked SIMD matmul kernels; gradients
 * **accumulate** into `weight.grad` and `bias.grad`, as in torch (zero them before each backward,
 * e.g. with `optimizer.zeroGrad()`).
 *
 * ```
 * forward:   Y[rows×out] = X[rows×in]·W + b
 * backward:  ∂W += Xᵀ·∂Y      ∂b += Σ_rows ∂Y      ∂X = ∂Y·Wᵀ (when asked for)
 * ```
 */
import type { Engine } from '../engine.js';
import type { Parameter } from '../memory/parameter.js';
import { type Init, initWeights } from './init.js';
import type { Random } from './random.js';

/** A dense layer y = x·W + b over row-major batches in the engine's memory: weight [inFeatures × outFeatures] (the transpose of torch's), bias [outFeatures]; backward **adds** into `weight.grad` and `bias.grad`, as torch does. */
export class Linear {
  /** The engine holding the layer's parameters. */
  readonly engine: Engine;
  /** Input width (rows of the weight). */
  readonly inFeatures: number;
  /** Output width (columns of the weight). */
  readonly outFeatures: number;
  /** [inFeatures, outFeatures]. */
  readonly weight: Parameter;
  /** [outFeatures], or null for a layer without bias. */
  readonly bias: Parameter | null;

  /**
   * Wraps existing parameters (made by `engine.parameters`, ideally together with the other
   * layers' so one optimizer call updates them all).
   *
   * @example
   * const [w, b] = engine.parameters([[784, 128], [128]]);
   * const layer = new Linear(engine, w, b);
   */
  constructor(engine: Engine, weight: Parameter, bias: Parameter | null) {
    if (weight.host !== engine) throw new TypeError('Linear: weight must belong to the engine');
    if (weight.shape.length !== 2) throw new RangeError(`Linear: weight must have shape [in, out], got [${weight.shape.join(', ')}]`);
    const [inF, outF] = weight.shape as [number, number];
    if (bias !== null) {
      if (bias.host !== engine) throw new TypeError('Linear: bias must belong to the engine');
      if (bias.length !== outF) throw new RangeError(`Linear: bias must have ${outF} elements, got ${bias.length}`);
    }
    this.engine = engine;
    this.weight = weight;
    this.bias = bias;
    this.inFeatures = inF;
    this.outFeatures = outF;
  }

  /** Makes a layer with its own parameters, initialised with `init` from `rng`; bias 0. */
  static create(engine: Engine, inFeatures: number, outFeatures: number, init: Init, rng: Random, bias = true): Linear {
    const [w, b] = engine.parameters(bias ? [[inFeatures, outFeatures], [outFeatures]] : [[inFeatures, outFeatures]]);
    initWeights(w!.data, inFeatures, outFeatures, init, rng);
    return new Linear(engine, w!, b ?? null);
  }

  #check(where: string, rows: number, spans: Array<[string, number | null, number]>): void {
    if (this.weight.disposed) throw new TypeError(`Linear.${where}: the layer's parameters have been disposed`);
    if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`Linear.${where}: rows must be a non-negative integer, got ${rows}`);
    const size = this.engine.memory.buffer.byteLength;
    for (const [name, off, width] of spans) {
      if (off === null) continue;
      if (!Number.isInteger(off) || off <= 0 || off % 4 !== 0 || off + rows * width * 4 > size) {
        throw new RangeError(`Linear.${where}: ${name} must be the byte offset of ${rows}×${width} floats inside the engine's memory, got ${off}`);
      }
    }
  }

  /** Y = X·W + b for `rows` rows; x and y are byte offsets (not overlapping). */
  forward(x: number, y: number, rows: number): void {
    this.#check('forward', rows, [['x', x, this.inFeatures], ['y', y, this.outFeatures]]);
    this.engine.kernels.matmul_f32(x, this.weight.offset, this.bias ? this.bias.offset : 0, y, rows, this.outFeatures, this.inFeatures);
  }

  /**
   * Accumulates ∂W += Xᵀ·∂Y and ∂b += column sums of ∂Y; writes ∂X = ∂Y·Wᵀ at `dx` unless it is
   * null. Byte offsets; dx must not overlap dy.
   */
  backward(x: number, dy: number, dx: number | null, rows: number): void {
    this.#check('backward', rows, [['x', x, this.inFeatures], ['dy', dy, this.outFeatures], ['dx', dx, this.inFeatures]]);
    const k = this.engine.kernels;
    k.matmul_tn_f32(x, dy, this.weight.gradOffset, this.inFeatures, this.outFeatures, rows);
    if (this.bias) k.colsum_f32(dy, this.bias.gradOffset, rows, this.outFeatures);
    if (dx !== null) k.matmul_nt_f32(dy, this.weight.offset, dx, rows, this.inFeatures, this.outFeatures);
  }
}
