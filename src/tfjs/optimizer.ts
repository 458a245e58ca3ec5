/**
 * A `tf.Optimizer` whose update runs in a wasm-optim engine: every registered optimizer, our
 * schedulers, clipping, the non-finite guard and EMA, for models trained with TensorFlow.js.
 *
 * Each `applyGradients()` copies the gradients into the engine (one `dataSync()` per tensor),
 * steps the library optimizer (one kernel call per contiguous block) and writes the values back
 * with `variable.assign()` (one new tensor per variable, the old one released), so
 * `tf.memory().numTensors` stays flat. Values are copied in when a variable is first seen, and
 * again whenever someone else assigned it (`model.setWeights`, loading weights) since.
 */
import { engine as tfEngine, getBackend, Optimizer as TfOptimizer, serialization, tensor, type NamedTensorMap, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { Engine, Parameter, Steppable } from '../index.js';
import { Bindings, hyperOf, type InnerOptimizer, optimizerClass } from './bindings.js';
import { readWeights, writeWeights } from './weights.js';

/** A tensor with the name tfjs's optimizers use for it (as `tf.NamedTensor`, which tfjs-core does not export). */
export interface NamedTensor {
  /** The name of the variable the tensor belongs to (or of the saved weight). */
  name: string;
  /** The tensor itself (a gradient or a weight value). */
  tensor: Tensor;
}

/** Where the adapter lets the library's training toolkit in. */
export interface TfjsOptimizerHooks {
  /**
   * Wraps the optimizer that steps, once, before the first step: e.g.
   * `(opt) => new NonFiniteGuard(opt)`. `opt` stays valid when variables come and go.
   */
  wrap?: (optimizer: Steppable) => Steppable;
  /** Called after the gradients are copied in, before the step: e.g. `(ps) => clipGradNorm(ps, 1)`. */
  beforeStep?: (params: readonly Parameter[]) => void;
  /** Called after the step, before the values are copied out: e.g. an EMA's `update()`. */
  afterStep?: (params: readonly Parameter[]) => void;
}

const HOOKS = ['wrap', 'beforeStep', 'afterStep'];

/** Backends whose `write()` copies the values at once, so a view of the engine's memory can be handed over. */
const COPYING_BACKENDS = new Set(['wasm']);

/** The class `tf.serialization` knows this adapter by. */
export const CLASS_NAME = 'WasmOptimizer';

let defaultEngine: Engine | null = null;

/**
 * Sets the engine that optimizers made by tfjs itself use: `fromConfig` (`tf.serialization`)
 * and `tf.loadLayersModel` of a model saved with its training configuration. Call it before
 * loading; `createEngine` is asynchronous and those paths are not.
 */
export function setTfjsEngine(engine: Engine | null): void {
  if (engine !== null && (typeof engine !== 'object' || typeof engine.parameters !== 'function')) {
    throw new TypeError('setTfjsEngine: expected an Engine from createEngine(), or null');
  }
  defaultEngine = engine;
}

/**
 * A `tf.Optimizer` that binds each TensorFlow.js variable to a wasm-optim engine parameter and
 * steps a library optimizer over them (`tfjsOptimizer()` makes one).
 */
export class WasmOptimizer extends TfOptimizer {
  /** The name `tf.serialization` registers and looks up this class by ({@link CLASS_NAME}). */
  static get className(): string {
    return CLASS_NAME;
  }

  /** `tf.serialization`'s constructor: `{ optimizer, ...options }` in the engine of {@link setTfjsEngine}. */
  static fromConfig<T extends serialization.Serializable>(cls: serialization.SerializableConstructor<T>, config: serialization.ConfigDict): T {
    if (!defaultEngine) {
      throw new Error('WasmOptimizer.fromConfig: no engine; call setTfjsEngine(await createEngine()) before loading a model or config');
    }
    const { optimizer, customObjects: _c, ...options } = config as Record<string, unknown>;
    return new (cls as unknown as typeof WasmOptimizer)(defaultEngine, optimizer as string, options) as unknown as T;
  }

  /** The engine that holds the values, gradients and state. */
  readonly engine: Engine;
  /** The registered name of the optimizer (`'adamw'`, …). */
  readonly optimizerName: string;
  /**
   * One param group of hyperparameters (`lr`, `betas`, …, no `params`): schedulers drive it
   * (`new CosineAnnealingLR(opt, { tMax })`); edits apply from the next step.
   */
  readonly paramGroups: Array<
    Record<string, unknown> & {
      /** The learning rate of the next step. */
      lr: number;
    }
  >;
  readonly #hooks: TfjsOptimizerHooks;
  readonly #bindings: Bindings;
  #stepper: Steppable | null = null;
  #disposed = false;

  constructor(engine: Engine, name: string, options: Record<string, unknown> = {}, hooks: TfjsOptimizerHooks = {}) {
    super();
    const where = 'tfjsOptimizer';
    if (typeof engine !== 'object' || engine === null || typeof engine.parameters !== 'function') {
      throw new TypeError(`${where}: engine must be an Engine from createEngine()`);
    }
    if (engine.disposed) throw new TypeError(`${where}: the engine has been disposed`);
    const cls = optimizerClass(name, where);
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${where}: options must be an object`);
    if (typeof hooks !== 'object' || hooks === null) throw new TypeError(`${where}: hooks must be an object`);
    for (const k of Object.keys(hooks)) {
      if (!HOOKS.includes(k)) throw new TypeError(`${where}: unknown hook "${k}" (known: ${HOOKS.join(', ')})`);
      const h = (hooks as Record<string, unknown>)[k];
      if (h !== undefined && typeof h !== 'function') throw new TypeError(`${where}: hook ${k} must be a function`);
    }
    // The library validates the options and resolves the defaults: ask it with a one-element probe
    // (a 1×1 matrix, which every optimizer takes: Muon takes matrices only).
    const probeParam = engine.parameter([1, 1]);
    let defaults: Record<string, unknown>;
    try {
      const probe = new cls([probeParam], options);
      defaults = JSON.parse(JSON.stringify(probe.defaults)) as Record<string, unknown>;
      probe.dispose();
    } catch (e) {
      if (e instanceof Error) e.message = e.message.replace(/^\w+: /, `${where}("${name}"): `);
      throw e;
    } finally {
      probeParam.dispose();
    }
    this.engine = engine;
    this.optimizerName = name;
    this.paramGroups = [defaults as Record<string, unknown> & { lr: number }];
    this.#hooks = hooks;
    this.#bindings = new Bindings(engine, cls);
  }

  /** The library optimizer now stepping (null before the first step). */
  get optimizer(): InnerOptimizer | null {
    return this.#bindings.inner;
  }

  /** The engine parameters bound to the variables of the last step, in that step's order. */
  get parameters(): Parameter[] {
    return this.#bindings.active.map((s) => s.param);
  }

  /** The engine parameter bound to a variable (by variable or name), or undefined. */
  parameterOf(variable: Variable | string): Parameter | undefined {
    const name = typeof variable === 'string' ? variable : variable?.name;
    return name === undefined ? undefined : this.#bindings.slots.get(name)?.param;
  }

  /** True once {@link WasmOptimizer.dispose} has been called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  #live(where: string): void {
    if (this.#disposed) throw new TypeError(`WasmOptimizer.${where}: the optimizer has been disposed`);
    if (this.engine.disposed) throw new TypeError(`WasmOptimizer.${where}: the engine has been disposed`);
  }

  /** The stable object the hooks' wrappers see: it follows the optimizer when it is rebuilt. */
  #facade(): Steppable {
    const b = this.#bindings;
    const self = this;
    return {
      engine: this.engine,
      get paramGroups() {
        return b.inner ? b.inner.paramGroups : [];
      },
      get disposed() {
        return self.#disposed;
      },
      step: () => b.inner?.step(),
      zeroGrad: () => b.inner?.zeroGrad(),
    };
  }

  /** Resolves a call's (name, gradient) pairs and their variables, checking each before anything changes. */
  #resolve(grads: NamedTensorMap | NamedTensor[]): { names: string[]; vars: Variable[]; tensors: Tensor[] } {
    const where = 'WasmOptimizer.applyGradients';
    if (typeof grads !== 'object' || grads === null) throw new TypeError(`${where}: expected a NamedTensorMap or a NamedTensor[]`);
    const pairs: Array<[string, Tensor | null | undefined]> = Array.isArray(grads)
      ? grads.map((g, i) => {
          if (typeof g !== 'object' || g === null || typeof g.name !== 'string') throw new TypeError(`${where}: entry ${i} must be { name, tensor }`);
          return [g.name, g.tensor];
        })
      : Object.entries(grads);
    const registered = tfEngine().registeredVariables;
    const names: string[] = [], vars: Variable[] = [], tensors: Tensor[] = [];
    const seen = new Set<string>();
    for (const [name, t] of pairs) {
      if (t == null) continue; // tfjs's optimizers skip variables without a gradient
      const v = registered[name];
      if (!v) throw new TypeError(`${where}: no variable named "${name}" is registered`);
      if (seen.has(name)) throw new TypeError(`${where}: variable "${name}" appears more than once`);
      seen.add(name);
      if (t.isDisposed) throw new TypeError(`${where}: the gradient of "${name}" has been disposed`);
      if (v.dtype !== 'float32') throw new TypeError(`${where}: variable "${name}" is ${v.dtype}; only float32 variables can be optimized`);
      if (t.size !== v.size || t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new RangeError(`${where}: the gradient of "${name}" has shape [${t.shape.join(', ')}], the variable [${v.shape.join(', ')}]`);
      }
      names.push(name);
      vars.push(v);
      tensors.push(t);
    }
    return { names, vars, tensors };
  }

  /** Copies the values of `which` from the engine into their variables (one new tensor each, the old released). */
  #writeOut(which: ReadonlyArray<{ variable: Variable; param: Parameter; dataId: object }>): void {
    const view = COPYING_BACKENDS.has(getBackend());
    for (const s of which) {
      const data = s.param.data;
      const t = tensor(view ? data : data.slice(), s.variable.shape, 'float32');
      s.variable.assign(t);
      t.dispose();
      s.dataId = s.variable.dataId;
    }
  }

  /**
   * One update from `grads` (a `NamedTensorMap` or `NamedTensor[]`, as tfjs's `minimize`, `model.fit`
   * and users pass them). Variables without a gradient (null) are left alone, as tfjs does.
   */
  applyGradients(grads: NamedTensorMap | NamedTensor[]): void {
    this.#live('applyGradients');
    const { names, vars, tensors } = this.#resolve(grads);
    if (names.length === 0) return;
    const b = this.#bindings;
    const group = this.paramGroups[0]!;
    if (b.pending || !b.matches(names, vars) || b.releaseDisposed()) b.activate(names, vars, hyperOf(group));
    const inner = b.inner!;
    // The group's hyperparameters as the schedulers left them (an unchanged group is not re-checked).
    const ig = inner.paramGroups[0]!;
    for (const k in group) if (ig[k] !== group[k]) ig[k] = group[k];
    const slots = b.active;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.variable.dataId !== s.dataId) {
        s.param.data.set(s.variable.dataSync() as Float32Array);
        s.dataId = s.variable.dataId;
      }
      s.param.grad.set(tensors[i]!.dataSync() as Float32Array);
    }
    const params = this.#hooks.beforeStep || this.#hooks.afterStep ? this.parameters : [];
    this.#hooks.beforeStep?.(params);
    this.#stepper ??= this.#hooks.wrap ? this.#hooks.wrap(this.#facade()) : this.#facade();
    this.#stepper.step();
    this.#hooks.afterStep?.(params);
    this.#writeOut(slots);
    this.incrementIterations();
  }

  /**
   * Copies the engine's values into the variables: after changing them in the engine (an EMA's
   * `swap()` / `copyTo()`, a checkpoint load), so the model sees them.
   */
  writeVariables(): void {
    this.#live('writeVariables');
    this.#writeOut([...this.#bindings.slots.values()].filter((s) => !s.variable.isDisposed));
  }

  /**
   * The full state in tfjs's format: `iter` (int32 scalar), then per variable `<name>/step`
   * (int32), scalar state such as `<name>/mu_product` (float32) and each buffer
   * `<name>/<exp_avg|exp_avg_sq|…>` (float32, the variable's shape). The caller owns the tensors.
   */
  async getWeights(): Promise<NamedTensor[]> {
    this.#live('getWeights');
    const iter = await this.saveIterations();
    return [iter, ...writeWeights(this.#bindings)];
  }

  /**
   * Restores {@link WasmOptimizer.getWeights}; everything is checked before anything changes. As
   * with tfjs's optimizers, the i-th variable of the next `applyGradients` gets the i-th state
   * (sizes are checked), so a model reloaded under new variable names resumes exactly.
   */
  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.#live('setWeights');
    const { iterations, pending } = await readWeights(this.#bindings, weightValues, hyperOf(this.paramGroups[0]!));
    this.#bindings.restore(pending);
    this.iterations_ = iterations;
  }

  /** The optimizer's name and its current hyperparameters (for `tf.serialization` and saved models). */
  getConfig(): Record<string, string | number | boolean | number[]> {
    return { optimizer: this.optimizerName, ...(JSON.parse(JSON.stringify(hyperOf(this.paramGroups[0]!))) as Record<string, number>) };
  }

  /** Releases the engine memory of the parameters and state (the variables stay as they are). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.engine.disposed) this.#bindings.dispose();
    (this.#stepper as { dispose?: () => void } | null)?.dispose?.();
    super.dispose();
  }
}
