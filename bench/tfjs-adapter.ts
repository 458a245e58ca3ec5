/**
 * What the TensorFlow.js adapter (`wasm-optim/tfjs`) costs and saves, in one run:
 *
 * 1. `applyGradients` per step, copies included (gradients in, values out by `variable.assign`),
 *    against `tf.train.adam` on the same variables: ~1K, ~100K and ~1M parameters in 10–50
 *    tensors, on tfjs-backend-wasm and tfjs-backend-cpu.
 * 2. Whole training steps (forward, backward, update; batch 64) of a tfjs-layers 784-512-256-10
 *    MLP with either optimizer.
 * 3. The plain-array path: `bindArrays(...).step(opt)` (gradients in, values out) against
 *    `opt.step()` on engine parameters.
 *
 * Each tfjs backend runs in its own child process (the wasm backend grows its own memory, which
 * slows typed-array code in the whole process); the plain-array part runs in the parent, which
 * never loads tfjs. Within a process the variants take turns round after round; each sample is a
 * batch of steps timed in process CPU time; ratios are medians of per-round ratios.
 *
 *   npx tsx bench/tfjs-adapter.ts [--quick] [--json]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Adam, bindArrays, createEngine } from '../src/index.js';

interface Row {
  part: 'applyGradients' | 'training step' | 'plain arrays';
  backend: string;
  label: string;
  params: number;
  tensors: number;
  /** ms per step: ours, theirs (tfjs's Adam, or `opt.step()` alone for plain arrays). */
  ours: number;
  theirs: number;
  /** Median of the per-round ratios theirs / ours. */
  ratio: number;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const SAMPLE_MS = quick ? 10 : 25;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** ms per call of `f`, from one batch of at least `SAMPLE_MS` CPU time (and 2 calls). */
function sample(f: () => void): number {
  let n = 0;
  const t0 = cpuMs();
  let t = t0;
  while (n < 2 || t - t0 < SAMPLE_MS) {
    f();
    n++;
    t = cpuMs();
  }
  return (t - t0) / n;
}

/** Interleaved rounds of `ours` and `theirs` (order alternating); medians and the median ratio. */
function compare(ours: () => void, theirs: () => void): { ours: number; theirs: number; ratio: number } {
  sample(ours);
  sample(theirs); // warm-up, discarded
  const a: number[] = [], b: number[] = [], r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let x: number, y: number;
    if (i % 2 === 0) {
      x = sample(ours);
      y = sample(theirs);
    } else {
      y = sample(theirs);
      x = sample(ours);
    }
    a.push(x);
    b.push(y);
    r.push(y / x);
  }
  return { ours: median(a), theirs: median(b), ratio: median(r) };
}

/** Tensor sizes summing to about `total`: `count` tensors, big matrices and small biases alternating. */
function layout(total: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 16 : 1));
  const sum = weights.reduce((x, y) => x + y, 0);
  return weights.map((w) => Math.max(1, Math.round((total * w) / sum)));
}

const CASES: Array<{ label: string; total: number; tensors: number }> = [
  { label: '~1K', total: 1_000, tensors: 10 },
  { label: '~100K', total: 100_000, tensors: 20 },
  { label: '~1M', total: 1_000_000, tensors: 40 },
];

async function child(backend: 'cpu' | 'wasm'): Promise<Row[]> {
  const tf = await import('@tensorflow/tfjs-core');
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(join(dir, 'dist') + '/');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
  await tf.ready();
  const tfl = await import('@tensorflow/tfjs-layers'); // also registers tfjs-core's gradients
  const { tfjsOptimizer } = await import('../src/tfjs/index.js');
  const engine = await createEngine({ initialBytes: 96 << 20 });
  const rows: Row[] = [];
  let k = 0;
  for (const c of CASES) {
    const sizes = layout(c.total, c.tensors);
    const n = sizes.reduce((x, y) => x + y, 0);
    const make = () => sizes.map((s) => tf.variable(tf.randomUniform([s], -1, 1), true, `bench${k++}`));
    const va = make(), vb = make();
    const grads = sizes.map((s) => tf.randomUniform([s], -1e-2, 1e-2));
    const ga = Object.fromEntries(va.map((v, i) => [v.name, grads[i]!]));
    const gb = Object.fromEntries(vb.map((v, i) => [v.name, grads[i]!]));
    const ours = tfjsOptimizer(engine, 'adam', { lr: 1e-3, eps: 1e-7 });
    const theirs = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
    const m = compare(() => ours.applyGradients(ga), () => theirs.applyGradients(gb as never));
    rows.push({ part: 'applyGradients', backend, label: c.label, params: n, tensors: c.tensors, ...m });
    process.stderr.write(`${backend} applyGradients ${c.label}: ${JSON.stringify(m)}\n`);
    ours.dispose();
    theirs.dispose();
    tf.dispose([...va, ...vb, ...grads]);
  }
  // Whole training steps of a 784-512-256-10 MLP, batch 64: forward, backward and update, as
  // model.fit does them (minimize over the model's trainable variables), synchronously.
  const mlp = (): import('@tensorflow/tfjs-layers').Sequential =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 512, inputShape: [784], activation: 'relu' }),
        tfl.layers.dense({ units: 256, activation: 'relu' }),
        tfl.layers.dense({ units: 10 }),
      ],
    });
  const ma = mlp(), mb = mlp();
  mb.setWeights(ma.getWeights());
  const ours = tfjsOptimizer(engine, 'adam', { lr: 1e-3, eps: 1e-7 });
  const theirs = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const x = tf.randomUniform([64, 784]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32') as import('@tensorflow/tfjs-core').Tensor1D, 10);
  const train = (mdl: typeof ma, opt: import('@tensorflow/tfjs-core').Optimizer) => {
    const vars = mdl.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs-core').Variable);
    return () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, mdl.apply(x) as import('@tensorflow/tfjs-core').Tensor) as import('@tensorflow/tfjs-core').Scalar, false, vars);
  };
  train(ma, ours)();
  train(mb, theirs)(); // tfjs's Adam makes its state tensors here
  const before = tf.memory().numTensors;
  const m = compare(train(ma, ours), train(mb, theirs));
  if (tf.memory().numTensors !== before) throw new Error(`tensors leaked: ${before} → ${tf.memory().numTensors}`);
  rows.push({ part: 'training step', backend, label: '784-512-256-10, batch 64', params: ma.countParams(), tensors: 6, ...m });
  process.stderr.write(`${backend} training step: ${JSON.stringify(m)}\n`);
  return rows;
}

async function plainArrays(): Promise<Row[]> {
  const engine = await createEngine({ initialBytes: 96 << 20 });
  const rows: Row[] = [];
  for (const c of CASES) {
    const sizes = layout(c.total, c.tensors);
    const n = sizes.reduce((x, y) => x + y, 0);
    const values = sizes.map((s) => Float32Array.from({ length: s }, () => Math.random() - 0.5));
    const grads = sizes.map((s) => Float32Array.from({ length: s }, () => (Math.random() - 0.5) * 1e-2));
    const bound = bindArrays(engine, values, { grads });
    const ref = engine.parameters(values.map((v) => v.slice()));
    ref.forEach((p, i) => p.grad.set(grads[i]!));
    const optBound = new Adam(bound.parameters, { lr: 1e-3 });
    const optRef = new Adam(ref, { lr: 1e-3 });
    const m = compare(() => bound.step(optBound), () => optRef.step());
    // ratio here: (step alone) / (step with copies), below 1; report it as the copies' overhead.
    rows.push({ part: 'plain arrays', backend: 'none', label: c.label, params: n, tensors: c.tensors, ...m });
    process.stderr.write(`plain arrays ${c.label}: ${JSON.stringify(m)}\n`);
    optBound.dispose();
    optRef.dispose();
    bound.dispose();
    ref.forEach((p) => p.dispose());
  }
  return rows;
}

function render(rows: Row[], seconds: number): string {
  const ns = (ms: number, n: number): string => ((ms * 1e6) / n).toFixed(ms * 1e6 / n < 10 ? 2 : 1);
  const out: string[] = [];
  out.push(`Adam through \`wasm-optim/tfjs\` against \`tf.train.adam\` (eps 1e-7 for both); ${ROUNDS} interleaved rounds, process CPU time, ${seconds.toFixed(0)} s.`, '');
  out.push('| backend | params | tensors | adapter ns/param | tfjs Adam ns/param | × tfjs |', '|---|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => x.part === 'applyGradients')) {
    out.push(`| tfjs-backend-${r.backend} | ${r.params.toLocaleString('en-US')} | ${r.tensors} | ${ns(r.ours, r.params)} | ${ns(r.theirs, r.params)} | ${r.ratio.toFixed(1)}× |`);
  }
  out.push('', 'Whole training steps (forward, backward, update: `optimizer.minimize` over the model’s variables, as `model.fit` does), tfjs-layers 784-512-256-10 MLP (535,818 parameters), batch 64:', '');
  out.push('| backend | adapter ms/step | tfjs Adam ms/step | × tfjs |', '|---|---:|---:|---:|');
  for (const r of rows.filter((x) => x.part === 'training step')) {
    out.push(`| tfjs-backend-${r.backend} | ${r.ours.toFixed(2)} | ${r.theirs.toFixed(2)} | ${r.ratio.toFixed(2)}× |`);
  }
  out.push('', 'Plain arrays: `bindArrays(...).step(opt)` (gradients in, Adam, values out) against `opt.step()` on engine parameters:', '');
  out.push('| params | tensors | with copies ns/param | step alone ns/param | copies ns/param |', '|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => x.part === 'plain arrays')) {
    out.push(`| ${r.params.toLocaleString('en-US')} | ${r.tensors} | ${ns(r.ours, r.params)} | ${ns(r.theirs, r.params)} | ${ns(r.ours - r.theirs, r.params)} |`);
  }
  return out.join('\n') + '\n';
}

const childAt = args.indexOf('--child');
if (childAt >= 0) {
  const rows = await child(args[childAt + 1] as 'cpu' | 'wasm');
  process.stdout.write(JSON.stringify(rows) + '\n');
} else {
  const t0 = performance.now();
  const rows: Row[] = [];
  const self = fileURLToPath(import.meta.url);
  for (const backend of ['wasm', 'cpu']) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', backend, ...(quick ? ['--quick'] : [])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 << 20,
    });
    if (r.status !== 0) throw new Error(`bench child (${backend}) failed with status ${r.status}`);
    rows.push(...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Row[]));
  }
  rows.push(...(await plainArrays()));
  const seconds = (performance.now() - t0) / 1000;
  if (args.includes('--json')) console.log(JSON.stringify({ rows, seconds }));
  else {
    const md = render(rows, seconds);
    console.log(md);
    if (!quick) writeFileSync(new URL('./results/tfjs-adapter.md', import.meta.url), md);
  }
}
