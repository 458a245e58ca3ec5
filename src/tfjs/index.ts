/**
 * `wasm-optim/tfjs`: every wasm-optim optimizer as a TensorFlow.js `tf.Optimizer`, for
 * `model.compile({ optimizer })` / `model.fit`, `optimizer.minimize(f)` and
 * `optimizer.applyGradients(grads)`. `@tensorflow/tfjs-core` is a peer dependency.
 *
 * @example
 * import { createEngine, CosineAnnealingLR } from 'wasm-optim';
 * import { tfjsOptimizer } from 'wasm-optim/tfjs';
 *
 * const engine = await createEngine({ initialBytes: 64 << 20 });
 * const optimizer = tfjsOptimizer(engine, 'adamw', { lr: 1e-3, weightDecay: 1e-2 });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * const sched = new CosineAnnealingLR(optimizer, { tMax: epochs });
 * await model.fit(x, y, { epochs, callbacks: { onEpochEnd: () => sched.step() } });
 */
import { serialization } from '@tensorflow/tfjs-core';
import type { Engine, OPTIMIZERS, OptimizerName } from '../index.js';
import { type TfjsOptimizerHooks, WasmOptimizer } from './optimizer.js';

export { WasmOptimizer, CLASS_NAME, setTfjsEngine, type NamedTensor, type TfjsOptimizerHooks } from './optimizer.js';
export type { InnerOptimizer } from './bindings.js';

/**
 * A `tf.Optimizer` running `name` (a key of `OPTIMIZERS`) with our camelCase `options`
 * (`{ lr, weightDecay, betas, … }`, checked as the class checks them) in `engine`.
 * `hooks` let the training toolkit in: `wrap` (e.g. a `NonFiniteGuard`), `beforeStep`
 * (e.g. `clipGradNorm`), `afterStep` (e.g. an `EMA` update).
 */
export function tfjsOptimizer<N extends OptimizerName>(
  engine: Engine,
  name: N,
  options: OptionsOf<N> = {} as OptionsOf<N>,
  hooks: TfjsOptimizerHooks = {},
): WasmOptimizer {
  return new WasmOptimizer(engine, name, options as Record<string, unknown>, hooks);
}

/** The options object of the optimizer registered as `N` (`AdamOptions` for `'adamw'`, …). */
export type OptionsOf<N extends OptimizerName> = NonNullable<ConstructorParameters<(typeof OPTIMIZERS)[N]>[1]>;

serialization.registerClass(WasmOptimizer as unknown as serialization.SerializableConstructor<WasmOptimizer>);
