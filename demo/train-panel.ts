/**
 * Trains the classification example's network in the page: the seeded 1,000 × 10 two-class data
 * set (80/20 split, standardised), an MLP 10-64-32-1 with ReLU and binary cross-entropy on
 * logits, Adam, batches of 32 — one epoch per animation frame so the page stays responsive.
 */
import { Adam, createEngine, MLP, type Parameter, Random } from 'wasm-optim';
import { makeClassification, standardize } from '../examples/lib/make-classification.js';
import { binaryMetrics } from '../examples/lib/metrics.js';
import { trainBinaryEpoch } from '../examples/lib/train-epoch.js';

declare global {
  interface Window {
    training: { done: boolean; epochs: number; valAccuracy: number; losses: number[] };
  }
}

const FEATURES = 10;

export function setupTraining(button: HTMLButtonElement, log: HTMLElement, epochs = 25): void {
  window.training = { done: false, epochs: 0, valAccuracy: 0, losses: [] };
  button.addEventListener('click', async () => {
    button.disabled = true;
    window.training = { done: false, epochs: 0, valAccuracy: 0, losses: [] };
    const { x, y } = makeClassification({ samples: 1000, seed: 0 });
    const nTrain = 800;
    standardize(x, FEATURES, nTrain);
    const xTrain = x.subarray(0, nTrain * FEATURES), yTrain = y.subarray(0, nTrain);
    const xVal = x.subarray(nTrain * FEATURES), yVal = y.subarray(nTrain);
    const engine = await createEngine({ initialBytes: 4 << 20 });
    const net = new MLP(engine, { sizes: [FEATURES, 64, 32, 1], activation: 'relu', seed: 0 });
    net.reserve(256);
    const opt = new Adam(net.parameters as Parameter[], { lr: 0.003 });
    const rng = new Random(1);
    const xb = new Float32Array(32 * FEATURES), yb = new Float32Array(32);
    const lines: string[] = [`${engine.backend} engine, ${net.numParameters} parameters, Adam lr 0.003, batch 32`];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      const loss = trainBinaryEpoch(net, opt, xTrain, yTrain, 32, rng, { xb, yb });
      const m = binaryMetrics(net.predict(xVal), yVal);
      window.training.losses.push(loss);
      window.training.epochs = epoch;
      window.training.valAccuracy = m.accuracy;
      lines.push(`epoch ${String(epoch).padStart(2)}  loss ${loss.toFixed(4)}  val accuracy ${(100 * m.accuracy).toFixed(1)}%  F1 ${m.f1.toFixed(3)}  ${(performance.now() - t0).toFixed(1)} ms`);
      log.textContent = lines.slice(-12).join('\n');
      await new Promise((r) => requestAnimationFrame(r));
    }
    opt.dispose();
    net.dispose();
    engine.dispose();
    window.training.done = true;
    button.disabled = false;
  });
}
