/**
 * TensorFlow.js adapters: the same update with `tf.train.*` on one variable of n floats, on the
 * `cpu` or `wasm` backend (the wasm backend's SIMD binary; tfjs turns threads off under Node).
 * AdamW and Lion have no `tf.train` counterpart and are left out.
 *
 * Loaded only in the child processes that measure tfjs: the wasm backend grows its own
 * `WebAssembly.Memory`, which detaches array buffers and slows every typed-array loop in the
 * process, so it must never share a process with the idiomatic JS baseline.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hyper } from './idiomatic.js';

export type TfjsBackend = 'cpu' | 'wasm';

/** One tfjs optimizer over one variable; `step()` applies the (fixed) gradient once. */
export interface TfjsStepper {
  step(): void;
  /** Reads the variable back (for checks). */
  read(): Float32Array;
  dispose(): void;
}

type Tf = typeof import('@tensorflow/tfjs-core');
type TfOptimizer = ReturnType<Tf['train']['adam']>;

const num = (h: Hyper, key: string, fallback: number): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);
const pair = (h: Hyper, key: string, fallback: [number, number]): [number, number] =>
  Array.isArray(h[key]) ? (h[key] as [number, number]) : fallback;

/** `tf.train` constructors by benchmark case name, from the library's resolved hyperparameters. */
const FACTORIES: Record<string, (tf: Tf, h: Hyper) => TfOptimizer> = {
  adam: (tf, h) => {
    const [b1, b2] = pair(h, 'betas', [0.9, 0.999]);
    return tf.train.adam(num(h, 'lr', 1e-3), b1, b2, num(h, 'eps', 1e-8)) as TfOptimizer;
  },
  'sgd-momentum': (tf, h) => tf.train.momentum(num(h, 'lr', 1e-2), num(h, 'momentum', 0.9)) as unknown as TfOptimizer,
  rmsprop: (tf, h) => tf.train.rmsprop(num(h, 'lr', 1e-2), num(h, 'alpha', 0.99), 0, num(h, 'eps', 1e-8)) as unknown as TfOptimizer,
  // tfjs requires a positive initial accumulator; the value does not change the work done.
  adagrad: (tf, h) => tf.train.adagrad(num(h, 'lr', 1e-2), Math.max(num(h, 'initialAccumulatorValue', 0), 1e-10)) as unknown as TfOptimizer,
};

/** Case names that have a `tf.train` counterpart. */
export const TFJS_CASES = Object.keys(FACTORIES);

export interface TfjsRuntime {
  backend: TfjsBackend;
  version: string;
  /** A stepper for `caseName`, or null when tfjs has no such optimizer. */
  make(caseName: string, params: Float32Array, grads: Float32Array, h: Hyper): TfjsStepper | null;
}

let counter = 0;

/** Loads tfjs-core and one backend, makes it current and returns a factory of steppers. */
export async function loadTfjs(backend: TfjsBackend): Promise<TfjsRuntime> {
  const tf: Tf = await import('@tensorflow/tfjs-core');
  if (backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(join(dir, 'dist') + '/');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialise`);
  await tf.ready();
  return {
    backend,
    version: tf.version_core,
    make(caseName, params, grads, h) {
      const factory = FACTORIES[caseName];
      if (!factory) return null;
      const name = `bench_${counter++}`;
      const init = tf.tensor1d(params);
      const variable = tf.variable(init, true, name);
      init.dispose();
      const grad = tf.tensor1d(grads);
      const opt = factory(tf, h);
      const list = [{ name, tensor: grad }];
      return {
        step: () => opt.applyGradients(list),
        read: () => variable.dataSync() as Float32Array,
        dispose() {
          opt.dispose();
          variable.dispose();
          grad.dispose();
        },
      };
    },
  };
}
