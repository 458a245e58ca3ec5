/**
 * The same multilayer perceptron trained with TensorFlow.js (tfjs-core + the wasm backend, its
 * SIMD binary; tfjs turns threads off under Node): same initial weights, same batches in the same
 * order, `tf.train.momentum` (which matches torch's SGD with momentum and no dampening) with the
 * same learning rate per epoch, softmax
 * cross-entropy with mean reduction. A manual training loop, as tfjs-layers is not a dependency;
 * and as tfjs-core's gradient registrations ship only as ES modules that Node cannot load
 * (directory imports), the backward pass is written out with tfjs ops — the same kernels its
 * autodiff would run (matMul, transpose, sum, step for ReLU) — and applied with
 * `optimizer.applyGradients`. The forward pass uses tfjs's fused matMul + bias + ReLU.
 *
 * Load it after the wasm-optim run: the tfjs wasm backend grows its own memory, which slows
 * typed-array code elsewhere in the process.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Tf = typeof import('@tensorflow/tfjs-core');
type T1 = import('@tensorflow/tfjs-core').Tensor1D;
type T2 = import('@tensorflow/tfjs-core').Tensor2D;

export interface TfjsMlpRun {
  version: string;
  backend: string;
  /** Seconds per epoch of training (batches only, no evaluation). */
  epochSeconds: number[];
  testAccuracy: number;
  finalLoss: number;
}

export interface TfjsMlpSpec {
  sizes: readonly number[];
  /** Initial weights and biases, alternating, weight [in, out] row-major. */
  initial: readonly Float32Array[];
  /** Learning rate of each epoch (0-based). */
  lr: (epoch: number) => number;
  momentum: number;
  epochs: number;
  /** Row indices of each batch of each epoch. */
  batchOrder: (epoch: number) => Iterable<Int32Array>;
  train: { x: Float32Array; y: Float32Array };
  test: { x: Float32Array; labels: Int32Array };
  onEpoch?: (epoch: number, loss: number, seconds: number) => void;
}

export async function loadTfjsWasm(): Promise<Tf> {
  const tf: Tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
  await tf.ready();
  return tf;
}

export async function trainTfjsMlp(spec: TfjsMlpSpec): Promise<TfjsMlpRun> {
  const tf = await loadTfjsWasm();
  const { sizes } = spec;
  const L = sizes.length - 1;
  const inF = sizes[0]!, outF = sizes[L]!;
  const stamp = Date.now();
  const names = spec.initial.map((_, i) => `mlp_${stamp}_${i}`);
  const vars = spec.initial.map((v, i) => {
    const l = i >> 1;
    const shape = i % 2 === 0 ? [sizes[l]!, sizes[l + 1]!] : [sizes[l + 1]!];
    return tf.variable(tf.tensor(v, shape), true, names[i]);
  });
  const W = (l: number) => vars[2 * l] as unknown as T2;
  const b = (l: number) => vars[2 * l + 1] as unknown as T1;
  // Forward with tfjs's fused matmul + bias + ReLU; returns every layer's output.
  const forward = (x: T2): T2[] => {
    const outs: T2[] = [];
    let a = x;
    for (let l = 0; l < L; l++) {
      a = tf.fused.matMul({ a, b: W(l), bias: b(l), activation: l + 1 < L ? 'relu' : 'linear' }) as T2;
      outs.push(a);
    }
    return outs;
  };
  const opt = tf.train.momentum(spec.lr(0), spec.momentum);
  const epochSeconds: number[] = [];
  let finalLoss = NaN;
  for (let epoch = 0; epoch < spec.epochs; epoch++) {
    opt.setLearningRate(spec.lr(epoch));
    const t0 = performance.now();
    let sum = 0, count = 0;
    for (const idx of spec.batchOrder(epoch)) {
      const rows = idx.length;
      const bx = new Float32Array(rows * inF), by = new Float32Array(rows * outF);
      for (let r = 0; r < rows; r++) {
        bx.set(spec.train.x.subarray(idx[r]! * inF, (idx[r]! + 1) * inF), r * inF);
        by.set(spec.train.y.subarray(idx[r]! * outF, (idx[r]! + 1) * outF), r * outF);
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor2d(bx, [rows, inF]), y = tf.tensor2d(by, [rows, outF]);
        const outs = forward(x);
        const logits = outs[L - 1]!;
        // Backward: ∂z = (softmax − y)/rows at the top; ∂W = aᵀ∂z, ∂b = Σ∂z, ∂a = ∂z·Wᵀ, ReLU' = step(a).
        let dz: T2 = tf.div(tf.sub(tf.softmax(logits), y), rows);
        const grads: Record<string, import('@tensorflow/tfjs-core').Tensor> = {};
        type VariableMap = Parameters<typeof opt.applyGradients>[0];
        for (let l = L - 1; l >= 0; l--) {
          const input = l === 0 ? x : outs[l - 1]!;
          // Explicit transposes: tfjs-wasm's matMul with a transpose flag is about 12× slower
          // (6 ms against 0.5 ms for 32×784ᵀ·32×128, measured), so this is tfjs's fastest form.
          grads[names[2 * l]!] = tf.matMul(tf.transpose(input), dz);
          grads[names[2 * l + 1]!] = tf.sum(dz, 0);
          if (l > 0) dz = tf.mul(tf.matMul(dz, tf.transpose(W(l))), tf.step(outs[l - 1]!));
        }
        opt.applyGradients(grads as unknown as VariableMap);
        return tf.losses.softmaxCrossEntropy(y, logits);
      });
      sum += loss.dataSync()[0]! * rows;
      count += rows;
      loss.dispose();
    }
    epochSeconds.push((performance.now() - t0) / 1000);
    finalLoss = sum / count;
    spec.onEpoch?.(epoch, finalLoss, epochSeconds[epoch]!);
  }
  const pred = tf.tidy(() => tf.argMax(forward(tf.tensor2d(spec.test.x, [spec.test.labels.length, inF]))[L - 1]!, 1));
  const labels = pred.dataSync();
  pred.dispose();
  let ok = 0;
  labels.forEach((p, i) => (ok += p === spec.test.labels[i] ? 1 : 0));
  opt.dispose();
  for (const v of vars) v.dispose();
  return { version: tf.version_core, backend: tf.getBackend(), epochSeconds, testAccuracy: ok / spec.test.labels.length, finalLoss };
}
