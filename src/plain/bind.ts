/**
 * Plain `Float32Array`s with the library's optimizers. Optimizers update parameters that live in
 * the engine's memory; arrays you allocated yourself live elsewhere, so they are *bound*: copied
 * once into one contiguous engine block (one kernel call per step for all of them), and from then
 * on copied explicitly — your gradients in (`pushGrads()`), the updated values out (`pull()`).
 * Each copy costs about as much as reading the array once (measured in `bench/tfjs-adapter.ts`);
 * to avoid it, compute straight into `p.data` / `p.grad` of `engine.parameters()` instead.
 *
 * ```
 * push():      engine values ← your values        (and engine grads ← your grads, when bound)
 * pushGrads(): engine grads  ← your grads
 * pull():      your values   ← engine values
 * step(opt):   pushGrads(); opt.step(); pull()
 * ```
 */
import type { Engine } from '../engine.js';
import type { Parameter } from '../memory/parameter.js';

/** Options of {@link bindArrays}: gradient arrays, shapes and names for the bound parameters. */
export interface BindArraysOptions {
  /** Your gradient arrays, one per value array and of the same length: `pushGrads()` copies them in. */
  grads?: readonly Float32Array[];
  /** Shapes of the parameters (default: each array's length). */
  shapes?: ReadonlyArray<readonly number[]>;
  /** Names of the parameters (for `stateDict()` consumers and checkpoints). */
  names?: readonly string[];
}

/** User arrays bound to engine parameters; see {@link bindArrays}. */
export class BoundArrays {
  /** The engine parameters, contiguous, in the order of the arrays: give these to an optimizer. */
  readonly parameters: readonly Parameter[];
  /** Your value arrays (`pull()` writes into them). */
  readonly values: readonly Float32Array[];
  /** Your gradient arrays, or null when none were bound. */
  readonly grads: readonly Float32Array[] | null;

  /** @internal use {@link bindArrays} */
  constructor(parameters: Parameter[], values: Float32Array[], grads: Float32Array[] | null) {
    this.parameters = Object.freeze(parameters);
    this.values = Object.freeze(values);
    this.grads = grads ? Object.freeze(grads) : null;
  }

  /** Copies your values (and gradients, when bound) into the engine: after you changed them yourself. */
  push(): void {
    const ps = this.parameters;
    for (let i = 0; i < ps.length; i++) ps[i]!.data.set(this.values[i]!);
    if (this.grads) this.pushGrads();
  }

  /** Copies your gradients into the engine's gradients (a TypeError when none were bound). */
  pushGrads(): void {
    const g = this.grads;
    if (!g) throw new TypeError('BoundArrays.pushGrads: no gradient arrays were bound; pass { grads } to bindArrays, or write into p.grad');
    const ps = this.parameters;
    for (let i = 0; i < ps.length; i++) ps[i]!.grad.set(g[i]!);
  }

  /** Copies the engine's values into your arrays. */
  pull(): void {
    const ps = this.parameters;
    for (let i = 0; i < ps.length; i++) this.values[i]!.set(ps[i]!.data);
  }

  /**
   * One step on your arrays: gradients in (when bound), `optimizer.step()`, values out. Works with
   * any optimizer or wrapper over these parameters (`NonFiniteGuard`, `GradientAccumulator`, …).
   */
  step(optimizer: { step(): unknown }): void {
    if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.step !== 'function') {
      throw new TypeError('BoundArrays.step: expected an optimizer (an object with step())');
    }
    if (this.grads) this.pushGrads();
    optimizer.step();
    this.pull();
  }

  /** Frees the engine's copies; your arrays stay as they are. */
  dispose(): void {
    for (const p of this.parameters) p.dispose();
  }
}

/**
 * Binds your `Float32Array`s to engine parameters (one contiguous block, values copied in once),
 * so the library's optimizers can update them; copies in and out are explicit.
 *
 * @example
 * const w = new Float32Array(784 * 128), b = new Float32Array(128);     // your arrays
 * const gw = new Float32Array(w.length), gb = new Float32Array(b.length);
 * const bound = bindArrays(engine, [w, b], { grads: [gw, gb] });
 * const opt = new Adam(bound.parameters, { lr: 1e-3 });
 * for (const batch of batches) {
 *   computeGradients(batch, w, b, gw, gb);  // your code, your arrays
 *   bound.step(opt);                        // gw, gb in; one kernel call; w, b updated
 * }
 */
export function bindArrays(engine: Engine, values: Float32Array | readonly Float32Array[], options: BindArraysOptions = {}): BoundArrays {
  const where = 'bindArrays';
  if (typeof engine !== 'object' || engine === null || typeof (engine as Engine).parameters !== 'function') {
    throw new TypeError(`${where}: engine must be an Engine from createEngine()`);
  }
  const list = values instanceof Float32Array ? [values] : values;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError(`${where}: values must be a Float32Array or a non-empty array of them`);
  list.forEach((v, i) => {
    if (!(v instanceof Float32Array)) throw new TypeError(`${where}: values[${i}] must be a Float32Array, got ${describe(v)}`);
  });
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  for (const k of Object.keys(options)) {
    if (!['grads', 'shapes', 'names'].includes(k)) throw new TypeError(`${where}: unknown option "${k}" (known: grads, shapes, names)`);
  }
  const { grads, shapes, names } = options;
  if (grads !== undefined) {
    if (!Array.isArray(grads) || grads.length !== list.length) {
      throw new RangeError(`${where}: grads must be an array of ${list.length} Float32Arrays, one per value array`);
    }
    grads.forEach((g, i) => {
      if (!(g instanceof Float32Array)) throw new TypeError(`${where}: grads[${i}] must be a Float32Array, got ${describe(g)}`);
      if (g.length !== list[i]!.length) throw new RangeError(`${where}: grads[${i}] has ${g.length} elements, values[${i}] has ${list[i]!.length}`);
    });
  }
  if (shapes !== undefined && (!Array.isArray(shapes) || shapes.length !== list.length)) {
    throw new RangeError(`${where}: shapes must be an array of ${list.length} shapes, one per value array`);
  }
  if (names !== undefined && (!Array.isArray(names) || names.length !== list.length || names.some((n) => typeof n !== 'string'))) {
    throw new TypeError(`${where}: names must be an array of ${list.length} strings, one per value array`);
  }
  const params = engine.parameters(
    list.map((data, i) => ({ data, shape: shapes?.[i] ?? [data.length], ...(names ? { name: names[i]! } : {}) })),
  );
  return new BoundArrays(params, [...list], grads ? [...grads] : null);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'an object';
}
