// The TensorFlow.js adapter: trajectories against the library's own optimizers (bit for bit) and
// tfjs's (float32 noise), variables that come and go, schedules, the toolkit hooks, state round
// trips through tf.io, no tensor leaks, bad input — on tfjs-backend-cpu and tfjs-backend-wasm.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGradNorm, CosineAnnealingLR, createEngine, EMA, type Engine, NonFiniteGuard, OPTIMIZERS, type OptimizerName, type Parameter } from '../src/index.js';
import { setTfjsEngine, tfjsOptimizer, WasmOptimizer } from '../src/tfjs/index.js';
import { registrationOf } from './helpers/optimizer-table.js';

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');

const SHAPES: number[][] = [[3, 5], [5], [2, 2, 2], [1]];
let engine: Engine;
let counter = 0;

beforeAll(async () => {
  engine = await createEngine({ initialBytes: 8 << 20 });
});

/** A seeded stream of floats in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}

const fill = (n: number, r: () => number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => r() * scale);
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

interface Model {
  vars: tf.Variable[];
  init: Float32Array[];
}

function makeVars(seed: number, shapes = SHAPES): Model {
  const r = rng(seed);
  const init = shapes.map((s) => fill(size(s), r));
  const vars = shapes.map((s, i) => tf.variable(tf.tensor(init[i]!, s), true, `v${counter++}`));
  return { vars, init };
}

function gradsFor(vars: tf.Variable[], r: () => number): Float32Array[] {
  return vars.map((v) => fill(v.size, r, 0.5));
}

/** Applies `g` through the adapter, alternating the map and the list forms. */
function apply(opt: tf.Optimizer, vars: tf.Variable[], g: Float32Array[], asList: boolean): void {
  const ts = g.map((x, i) => tf.tensor(x, vars[i]!.shape));
  if (asList) opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: ts[i]! })));
  else opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, ts[i]!])));
  tf.dispose(ts);
}

function refStep(ps: Parameter[], opt: { step(): unknown }, g: Float32Array[]): void {
  ps.forEach((p, i) => p.grad.set(g[i]!));
  opt.step();
}

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function dispose(m: Model, opt?: { dispose(): void }): void {
  opt?.dispose();
  tf.dispose(m.vars);
}

/** Every optimizer a tf.Optimizer can run: all but the closure-driven ones (LBFGS, refused below). */
type Adaptable = Exclude<OptimizerName, 'lbfgs'>;
const ADAPTABLE = Object.keys(OPTIMIZERS).filter((n) => !registrationOf(n).closure) as Adaptable[];
/** Each optimizer's richest option set (the last its registration declares). */
const OPTIONS = Object.fromEntries(ADAPTABLE.map((n) => [n, { ...registrationOf(n).optionSets.at(-1) }])) as Record<Adaptable, Record<string, unknown>>;

/** The test model's shapes, as the registration shapes tensors of their lengths (Muon takes matrices only). */
const shapesFor = (name: OptimizerName): number[][] => {
  const shape = registrationOf(name).shape;
  return shape ? SHAPES.map((s, i) => [...shape(s.reduce((a, b) => a * b, 1), i)]) : SHAPES;
};

describe.each(['cpu', 'wasm'])('tfjs adapter on tfjs-backend-%s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it('refuses LBFGS, which steps with a closure', () => {
    expect(() => tfjsOptimizer(engine, 'lbfgs', {})).toThrow(/"lbfgs" re-evaluates the loss several times within a step/);
  });

  it.each(ADAPTABLE)('%s: trajectory equals the engine optimizer bit for bit', (name) => {
    const shapes = shapesFor(name);
    const m = makeVars(7, shapes);
    const opt = tfjsOptimizer(engine, name, OPTIONS[name]);
    const ps = engine.parameters(m.init.map((d, i) => ({ data: d, shape: shapes[i] })));
    const Cls = OPTIMIZERS[name] as unknown as new (p: Parameter[], o: object) => { step(): unknown; dispose(): void };
    const ref = new Cls(ps, OPTIONS[name]);
    const r = rng(11);
    for (let t = 0; t < 6; t++) {
      const g = gradsFor(m.vars, r);
      apply(opt, m.vars, g, t % 2 === 1);
      refStep(ps, ref, g);
      m.vars.forEach((v, i) => expect(sameBits(v.dataSync() as Float32Array, ps[i]!.data), `${name} step ${t} var ${i}`).toBe(true));
    }
    expect(opt.iterations).toBe(6);
    ref.dispose();
    ps.forEach((p) => p.dispose());
    dispose(m, opt);
  });

  it('all variables of the first call share one block: one contiguous run; variables hold copies', () => {
    const m = makeVars(1);
    const opt = tfjsOptimizer(engine, 'adam', { lr: 0.01 });
    apply(opt, m.vars, gradsFor(m.vars, rng(2)), false);
    const ps = opt.parameters;
    for (let i = 1; i < ps.length; i++) expect(ps[i]!.offset).toBe(ps[i - 1]!.offset + ps[i - 1]!.length * 4);
    expect(opt.parameterOf(m.vars[2]!)).toBe(ps[2]);
    // The variables hold copies: the engine's memory changing later does not reach them.
    const values = m.vars[0]!.dataSync().slice();
    ps[0]!.data.fill(123);
    expect(m.vars[0]!.dataSync()).toEqual(values);
    dispose(m, opt);
  });

  it("'sgd' matches tf.train.sgd and 'sgd' with momentum matches tf.train.momentum", () => {
    for (const [ours, theirs] of [
      [{ lr: 0.05 }, () => tf.train.sgd(0.05)],
      [{ lr: 0.05, momentum: 0.9 }, () => tf.train.momentum(0.05, 0.9)],
    ] as const) {
      const a = makeVars(3), b = makeVars(3);
      const opt = tfjsOptimizer(engine, 'sgd', ours), tfo = theirs();
      const r = rng(5);
      for (let t = 0; t < 20; t++) {
        const g = gradsFor(a.vars, r);
        apply(opt, a.vars, g, false);
        apply(tfo, b.vars, g, false);
      }
      a.vars.forEach((v, i) => expectClose(v.dataSync() as Float32Array, b.vars[i]!.dataSync() as Float32Array, 1e-6));
      dispose(a, opt);
      dispose(b, tfo);
    }
  });

  it("'adam' with eps 1e-7 matches tf.train.adam", () => {
    const a = makeVars(4), b = makeVars(4);
    const opt = tfjsOptimizer(engine, 'adam', { lr: 0.01, eps: 1e-7 }), tfo = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const r = rng(6);
    for (let t = 0; t < 20; t++) {
      const g = gradsFor(a.vars, r);
      apply(opt, a.vars, g, true);
      apply(tfo, b.vars, g, true);
    }
    a.vars.forEach((v, i) => expectClose(v.dataSync() as Float32Array, b.vars[i]!.dataSync() as Float32Array, 1e-5));
    dispose(a, opt);
    dispose(b, tfo);
  });

  it('minimize(f, returnCost, varList) and minimize(f) find the minimum; no tensor leaks over 1,000 steps', () => {
    const x = tf.variable(tf.tensor([3, -2, 1]), true, `x${counter++}`);
    const target = tf.tensor([1, 2, 3]);
    const opt = tfjsOptimizer(engine, 'adam', { lr: 0.05 });
    const loss = (): tf.Scalar => tf.sum(tf.square(tf.sub(x, target)));
    const cost = opt.minimize(loss, true, [x])!;
    expect(cost.dataSync()[0]).toBeCloseTo(4 + 16 + 4, 4);
    cost.dispose();
    opt.minimize(loss); // all trainable variables (only x here... and any a test left behind, with null grads)
    const before = tf.memory().numTensors;
    for (let t = 0; t < 1000; t++) opt.minimize(loss, false, [x]);
    expect(tf.memory().numTensors).toBe(before);
    expectClose(x.dataSync() as Float32Array, new Float32Array([1, 2, 3]), 1e-2);
    opt.dispose();
    x.dispose();
    target.dispose();
  });

  it('new variables join, a call over a subset leaves the others alone, disposed ones are released', () => {
    const m = makeVars(8);
    const [a, b, c] = m.vars as [tf.Variable, tf.Variable, tf.Variable];
    const opt = tfjsOptimizer(engine, 'adam', { lr: 0.02 });
    const ps = engine.parameters(m.init.slice(0, 3).map((d, i) => ({ data: d, shape: SHAPES[i] })));
    const refAB = new OPTIMIZERS.adam(ps.slice(0, 2), { lr: 0.02 });
    const r = rng(9);
    for (let t = 0; t < 3; t++) {
      const g = gradsFor([a, b], r);
      apply(opt, [a, b], g, false);
      refStep(ps.slice(0, 2), refAB, g);
    }
    // c appears: a and b keep their state, c starts at step 1.
    const refC = new OPTIMIZERS.adam([ps[2]!], { lr: 0.02 });
    for (let t = 0; t < 3; t++) {
      const g = gradsFor([a, b, c], r);
      apply(opt, [a, b, c], g, true);
      refStep(ps.slice(0, 2), refAB, g.slice(0, 2));
      refStep([ps[2]!], refC, g.slice(2));
    }
    [a, b, c].forEach((v, i) => expect(sameBits(v.dataSync() as Float32Array, ps[i]!.data)).toBe(true));
    // Only a: b and c stay exactly as they were.
    const aBefore = a.dataSync().slice(), bBefore = b.dataSync().slice();
    const bState = opt.optimizer!.stateDict().state[1]!;
    apply(opt, [a], gradsFor([a], r), false);
    expect(a.dataSync()).not.toEqual(aBefore);
    expect(b.dataSync()).toEqual(bBefore);
    apply(opt, [a, b, c], gradsFor([a, b, c], r), false); // b's state was kept, not reset or stepped
    expect(opt.optimizer!.stateDict().state[1]!.step).toBe(bState.step + 1);
    // b disposed: its parameter is released, the others go on.
    const bp = opt.parameterOf(b)!;
    b.dispose();
    apply(opt, [a, c], gradsFor([a, c], r), false);
    expect(bp.disposed).toBe(true);
    expect(opt.parameterOf(b.name)).toBeUndefined();
    expect(opt.parameters).toHaveLength(2);
    refAB.dispose();
    refC.dispose();
    ps.forEach((p) => p.dispose());
    dispose(m, opt);
  });

  it('a value assigned from outside (setWeights, loading) is picked up before the next step', () => {
    const m = makeVars(12, [[4]]);
    const v = m.vars[0]!;
    const opt = tfjsOptimizer(engine, 'sgd', { lr: 0.5 });
    apply(opt, [v], [new Float32Array([1, 1, 1, 1])], false);
    v.assign(tf.tensor([10, 20, 30, 40]));
    apply(opt, [v], [new Float32Array([1, 1, 1, 1])], false);
    expect(Array.from(v.dataSync())).toEqual([9.5, 19.5, 29.5, 39.5]);
    dispose(m, opt);
  });

  it('a scheduler drives paramGroups; clipGradNorm, NonFiniteGuard and EMA compose through the hooks', () => {
    const m = makeVars(13);
    let guard: NonFiniteGuard | undefined;
    let ema: EMA | undefined;
    const opt = tfjsOptimizer(engine, 'adamw', { lr: 0.1 }, {
      beforeStep: (params) => clipGradNorm(params, 1.0),
      wrap: (o) => (guard = new NonFiniteGuard(o)),
      afterStep: (params) => (ema ??= new EMA(params, { decay: 0.9 })).update(),
    });
    const sched = new CosineAnnealingLR(opt, { tMax: 10 });
    const ps = engine.parameters(m.init.map((d, i) => ({ data: d, shape: SHAPES[i] })));
    const ref = new OPTIMIZERS.adamw(ps, { lr: 0.1 });
    const refSched = new CosineAnnealingLR(ref, { tMax: 10 });
    const r = rng(14);
    for (let t = 0; t < 5; t++) {
      const g = gradsFor(m.vars, r);
      apply(opt, m.vars, g, false);
      ps.forEach((p, i) => p.grad.set(g[i]!));
      clipGradNorm(ps, 1.0);
      ref.step();
      sched.step();
      refSched.step();
    }
    expect(opt.paramGroups[0]!.lr).toBe(ref.paramGroups[0]!.lr);
    m.vars.forEach((v, i) => expect(sameBits(v.dataSync() as Float32Array, ps[i]!.data)).toBe(true));
    const before = m.vars.map((v) => v.dataSync().slice());
    const bad = gradsFor(m.vars, r);
    bad[1]![0] = NaN;
    apply(opt, m.vars, bad, false);
    expect(guard!.skippedSteps).toBe(1);
    m.vars.forEach((v, i) => expect(v.dataSync()).toEqual(before[i]));
    // EMA weights into the model and back.
    ema!.swap();
    opt.writeVariables();
    expect(sameBits(m.vars[0]!.dataSync() as Float32Array, ema!.params[0]!.data)).toBe(true);
    expect(m.vars[0]!.dataSync()).not.toEqual(before[0]);
    ema!.swap();
    opt.writeVariables();
    expect(m.vars[0]!.dataSync()).toEqual(before[0]);
    ema!.dispose();
    ref.dispose();
    ps.forEach((p) => p.dispose());
    dispose(m, opt);
  });

  it.each(['adam', 'nadam', 'rmsprop', 'sgd'] as const)('%s: getWeights → tf.io → setWeights restores the state exactly (and getConfig → fromConfig)', async (name) => {
    const m = makeVars(15);
    const opt = tfjsOptimizer(engine, name, { ...OPTIONS[name], lr: 0.03 });
    const r = rng(16);
    for (let t = 0; t < 4; t++) apply(opt, m.vars, gradsFor(m.vars, r), false);
    opt.paramGroups[0]!.lr = 0.02;
    const weights = await opt.getWeights();
    const { data, specs } = await tf.io.encodeWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
    const decoded = tf.io.decodeWeights(data, specs);
    const config = JSON.parse(JSON.stringify(opt.getConfig()));
    expect(() => WasmOptimizer.fromConfig(WasmOptimizer, config)).toThrow(/setTfjsEngine/);
    setTfjsEngine(engine);
    const copy = WasmOptimizer.fromConfig(WasmOptimizer, config) as WasmOptimizer;
    expect(copy.paramGroups[0]!.lr).toBe(0.02);
    // The copy runs on twin variables holding the same values.
    const twins = m.vars.map((v) => tf.variable(v.clone(), true, `${v.name}_twin`));
    await copy.setWeights(specs.map((s) => ({ name: s.name.replace(/^(v\d+)\//, '$1_twin/'), tensor: decoded[s.name]! })));
    tf.dispose(Object.values(decoded));
    expect(copy.iterations).toBe(4);
    for (let t = 0; t < 3; t++) {
      const g = gradsFor(m.vars, r);
      apply(opt, m.vars, g, false);
      apply(copy, twins, g, true);
    }
    m.vars.forEach((v, i) => expect(sameBits(v.dataSync() as Float32Array, twins[i]!.dataSync() as Float32Array)).toBe(true));
    setTfjsEngine(null);
    copy.dispose();
    tf.dispose(twins);
    dispose(m, opt);
  });
});

describe('tfjs adapter: bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the argument and changes nothing', () => {
    expect(() => tfjsOptimizer(engine, 'adamx' as OptimizerName)).toThrow(/name must be one of .*"sgd"/);
    expect(() => tfjsOptimizer(engine, 'adam', { lr: -1 })).toThrow(RangeError);
    expect(() => tfjsOptimizer(engine, 'adam', { lr: -1 })).toThrow(/tfjsOptimizer\("adam"\).*lr/);
    expect(() => tfjsOptimizer(engine, 'adam', { learningRate: 1 } as never)).toThrow(TypeError);
    expect(() => tfjsOptimizer(engine, 'adam', {}, { after: () => {} } as never)).toThrow(/unknown hook "after"/);
    expect(() => tfjsOptimizer({} as Engine, 'adam')).toThrow(/engine must be an Engine/);
    const m = makeVars(20, [[2]]);
    const v = m.vars[0]!;
    const opt = tfjsOptimizer(engine, 'sgd', { lr: 1 });
    const g = tf.tensor([1, 1]);
    const wrong = tf.tensor([1, 1, 1]);
    expect(() => opt.applyGradients({ nope: g })).toThrow(/no variable named "nope"/);
    expect(() => opt.applyGradients({ [v.name]: wrong })).toThrow(RangeError);
    expect(() => opt.applyGradients([{ name: v.name, tensor: g }, { name: v.name, tensor: g }])).toThrow(/more than once/);
    expect(Array.from(v.dataSync())).toEqual(Array.from(m.init[0]!));
    expect(opt.iterations).toBe(0);
    opt.paramGroups[0]!.lr = -1;
    expect(() => opt.applyGradients({ [v.name]: g })).toThrow(RangeError);
    expect(Array.from(v.dataSync())).toEqual(Array.from(m.init[0]!));
    opt.dispose();
    expect(() => opt.applyGradients({ [v.name]: g })).toThrow(/disposed/);
    tf.dispose([g, wrong]);
    dispose(m);
  });

  it('setWeights refuses malformed lists and keeps the state', async () => {
    const m = makeVars(21, [[3]]);
    const opt = tfjsOptimizer(engine, 'adam', { lr: 0.1 });
    apply(opt, m.vars, [new Float32Array([1, 2, 3])], false);
    const good = await opt.getWeights();
    const keep = good.map((w) => ({ name: w.name, data: w.tensor.dataSync().slice() }));
    const name = m.vars[0]!.name;
    await expect(opt.setWeights([])).rejects.toThrow(/"iter"/);
    await expect(opt.setWeights([good[0]!, { name: 'nostate', tensor: good[1]!.tensor }])).rejects.toThrow(/"<variable>\/<state>"/);
    const short = tf.tensor([1, 2]);
    await expect(opt.setWeights([good[0]!, good[1]!, { name: `${name}/exp_avg`, tensor: short }, good[3]!])).rejects.toThrow(RangeError);
    await expect(opt.setWeights([good[0]!, good[2]!, good[3]!])).rejects.toThrow(/no ".*\/step"/);
    await expect(opt.setWeights([good[0]!, good[1]!, good[2]!, good[3]!, { name: `${name}/bogus`, tensor: good[2]!.tensor }])).rejects.toThrow(/bogus/);
    const after = await opt.getWeights();
    expect(after.map((w) => ({ name: w.name, data: w.tensor.dataSync().slice() }))).toEqual(keep);
    // States go to the next call's variables by position; a variable of another size is refused.
    await opt.setWeights(good);
    const other = makeVars(22, [[4]]);
    const before = other.vars[0]!.dataSync().slice();
    expect(() => apply(opt, other.vars, [new Float32Array(4)], false)).toThrow(/restored state of ".*" has 3 elements/);
    expect(other.vars[0]!.dataSync()).toEqual(before);
    const again = await opt.getWeights();
    expect(again.map((w) => ({ name: w.name, data: w.tensor.dataSync().slice() }))).toEqual(keep);
    tf.dispose([short, ...good.map((w) => w.tensor), ...after.map((w) => w.tensor), ...again.map((w) => w.tensor)]);
    dispose(other);
    dispose(m, opt);
  });
});

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

describe('package layout', () => {
  it('the main entry never reaches tfjs or src/tfjs (tfjs-core is an optional peer dependency)', () => {
    const root = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');
    const seen = new Set<string>();
    const bare = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else bare.add(spec);
      }
    };
    walk(join(root, 'index.ts'));
    expect(seen.size).toBeGreaterThan(50);
    expect([...seen].filter((f) => f.includes(`${join(root, 'tfjs')}/`))).toEqual([]);
    expect([...bare].filter((s) => s.startsWith('@tensorflow'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(root, '..', 'package.json'), 'utf8'));
    expect(pkg.exports['./tfjs']).toEqual({ types: './dist/tfjs/index.d.ts', import: './dist/tfjs/index.js' });
    expect(pkg.peerDependenciesMeta['@tensorflow/tfjs-core']).toEqual({ optional: true });
  });
});
