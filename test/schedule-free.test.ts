// ScheduleFreeAdamW: hand-computed steps, the warmup's two counts, the evaluation point
// (evalParams / trainParams, bit-exact round trip, what eval mode refuses), optax's own tests
// ported, a float64 reference of the paper's algorithm against the library and the fixtures,
// validation, and the benchmark's idiomatic baseline.
// (Maximize, live edits, bad options, awkward sizes, state round trips, threads and checkpoints
// for every optimizer: contract.test.ts and contract-state.test.ts.)
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import { createEngine, type Engine } from '../src/engine.js';
import idiomatic from '../src/cli/bench/idiomatic/schedule_free_adamw.js';
import { type OptimizerCase, toOptions } from '../src/cli/conformance/optimizers.js';
import { ScheduleFreeAdamW, type ScheduleFreeAdamWOptions } from '../src/optim/schedule-free.js';
import { expectBits, expectEditRefused, expectNear, LOOP, onAllBackends, seededValues, TAIL_SIZES } from './helpers/backends.js';
import { engines } from './helpers/lockstep.js';

const f = Math.fround;
let all: Engine[];
let threaded: Engine;
beforeAll(async () => {
  all = await engines(1 << 20);
  threaded = await createEngine({ backend: 'simd', initialBytes: 1 << 20, threads: 2, threadThreshold: 0 });
});
afterAll(() => threaded.dispose());

/** x = (y − (1 − β1)·z)/β1 as optax's schedule_free_eval_params computes it in float32. */
const evalPoint = (y: ArrayLike<number>, z: ArrayLike<number>, b1: number) =>
  Float32Array.from(y, (yi, i) => f(f(yi - f(f(1 - f(b1)) * z[i]!)) / f(b1)));

describe('ScheduleFreeAdamW steps', () => {
  it('step 1 (c = 1, v̂ = g²): y = z = y0 − lr·g/(|g| + ε); step 2 averages x with weight ½', () => {
    const { p0, g1, g2 } = LOOP;
    const lr = 0.1, eps = 1e-8, b1 = 0.9, b2 = 0.999;
    const r = onAllBackends(all, ScheduleFreeAdamW, { options: { lr }, init: [p0], grads: [[g1], [g2]] });
    const z1 = Array.from(p0, (y, i) => y - (lr * g1[i]!) / (Math.abs(g1[i]!) + eps));
    expectNear(r.params[0]![0]!, z1, 'y after step 1');
    expectNear(r.states[0]![0]!.z as Float32Array, z1, 'z after step 1');
    expect(r.states[0]![0]!.max_lr).toBe(f(lr));
    expect(r.states[0]![0]!.weight_sum).toBe(f(f(lr) * f(lr)));
    // Step 2: x1 = z1 (c was 1), v̂ = v/(1 − β2²), c = w/(2w) = ½.
    const v = Array.from(g1, (g, i) => b2 * (1 - b2) * g * g + (1 - b2) * g2[i]! ** 2);
    const z2 = z1.map((z, i) => z - (lr * g2[i]!) / (Math.sqrt(v[i]! / (1 - b2 ** 2)) + eps));
    const x2 = z1.map((x, i) => 0.5 * x + 0.5 * z2[i]!);
    expectNear(r.params[1]![0]!, x2.map((x, i) => b1 * x + (1 - b1) * z2[i]!), 'y after step 2');
    expectNear(r.states[1]![0]!.z as Float32Array, z2, 'z after step 2');
  });

  it('warmup: the average is weighted with lr(t) = lr·t/W while z steps with lr(t − 1), so z stays put at step 1', () => {
    const { p0, g1, g2 } = LOOP;
    const r = onAllBackends(all, ScheduleFreeAdamW, { options: { lr: 0.1, warmupSteps: 4 }, init: [p0], grads: [[g1], [g2], [g1], [g2], [g1], [g2]] });
    expectBits(r.states[0]![0]!.z as Float32Array, p0, 'z after step 1 (lr 0)');
    expectNear(r.params[0]![0]!, p0, 'y after step 1');
    const lrAt = (c: number) => f(f(-f(0.1) * f(1 - f(Math.min(c, 4) / 4))) + f(0.1));
    expect(lrAt(0)).toBe(0);
    expect(lrAt(4)).toBe(f(0.1));
    let sum = 0;
    r.states.forEach((st, s) => {
      const lr = lrAt(s + 1);
      sum = f(sum + f(lr * lr));
      expect(st[0]!.max_lr, `max_lr after step ${s + 1}`).toBe(lr);
      expect(st[0]!.weight_sum, `weight_sum after step ${s + 1}`).toBe(sum);
    });
    // Step 2 moves z by lr(1) = lr/4 times the normalised gradient (≈ its sign at v̂ ≈ g²-ish scale).
    const z2 = r.states[1]![0]!.z as Float32Array;
    expect(Math.abs(z2[3]! - p0[3]!)).toBeGreaterThan(0.01);
    expect(Math.abs(z2[3]! - p0[3]!)).toBeLessThan(0.025 * 1.5);
  });

  it('weight decay adds λ·y (the point the gradient is taken at) before the lr', () => {
    const p0 = [1, -2, 4], g = [0, 0, 0];
    const r = onAllBackends(all, ScheduleFreeAdamW, { options: { lr: 0.1, weightDecay: 0.5 }, init: [p0], grads: [[g]] });
    // g = 0: v = 0, the normalised gradient is 0, u = λ·y; c = 1 so y' = z' = y − lr·λ·y.
    expectNear(r.params[0]![0]!, p0.map((y) => y - 0.1 * 0.5 * y), 'y');
  });
});

describe('ScheduleFreeAdamW evaluation point', () => {
  /** An optimizer over tail-sized tensors, stepped 3 times. */
  function trained(e: Engine, options: ScheduleFreeAdamWOptions = { lr: 0.05, betas: [0.95, 0.99] }) {
    const params = e.parameters(TAIL_SIZES.map((n, i) => seededValues(i + 1, n)));
    const opt = new ScheduleFreeAdamW(params, options);
    for (let s = 0; s < 3; s++) {
      params.forEach((p, t) => p.grad.set(seededValues(100 * s + t, p.length, 2)));
      opt.step();
    }
    return { params, opt };
  }

  it('evalParams() puts x = (y − (1 − β1)·z)/β1 into the parameters, trainParams() puts y back bit for bit, on every backend and on two threads', () => {
    const xs: Float32Array[][] = [];
    for (const e of [...all, threaded]) {
      const { params, opt } = trained(e);
      const ys = params.map((p) => p.data.slice());
      const zs = Object.values(opt.stateDict().state).map((st) => st.z as Float32Array);
      expect(opt.mode).toBe('train');
      opt.evalParams();
      expect(opt.mode).toBe('eval');
      params.forEach((p, t) => expectBits(p.data, evalPoint(ys[t]!, zs[t]!, 0.95), `${e.backend} x, tensor ${t}`));
      xs.push(params.map((p) => p.data.slice()));
      opt.trainParams();
      expect(opt.mode).toBe('train');
      params.forEach((p, t) => expectBits(p.data, ys[t]!, `${e.backend} y, tensor ${t}`));
      opt.dispose();
      params.forEach((p) => p.dispose());
    }
    for (const x of xs.slice(1)) x.forEach((p, t) => expectBits(p, xs[0]![t]!, `backends differ, tensor ${t}`));
  });

  it('before the first step z = y (optax initialises z with the parameters)', () => {
    const e = all[0]!;
    const y = seededValues(3, 9, 5);
    const [p] = e.parameters([y]);
    const opt = new ScheduleFreeAdamW([p!]);
    opt.evalParams();
    expectBits(p!.data, evalPoint(y, y, 0.9), 'x');
    opt.trainParams();
    expectBits(p!.data, y, 'y');
    p!.grad.fill(1);
    opt.step(); // the first step still starts from z = y
    expectNear(opt.stateDict().state[0]!.z as Float32Array, Array.from(y, (v) => v - 0.0025), 'z after step 1');
    opt.dispose();
  });

  it('an eval/train round trip changes nothing: the run goes on with the same bits as one without it', () => {
    const e = all[1]!;
    const a = trained(e), b = trained(e);
    a.opt.evalParams();
    a.opt.evalParams(); // twice: a no-op
    a.opt.trainParams();
    a.opt.trainParams(); // twice: a no-op
    for (const r of [a, b]) {
      r.params.forEach((p, t) => p.grad.set(seededValues(900 + t, p.length)));
      r.opt.step();
    }
    a.params.forEach((p, t) => expectBits(p.data, b.params[t]!.data, `tensor ${t}`));
    expect(a.opt.stateDict()).toEqual(b.opt.stateDict());
  });

  it('a step whose closure calls evalParams() is refused (TypeError) before it moves x as if it were y: the state is unchanged and trainParams() puts y back', () => {
    const e = all[2]!;
    const { params, opt } = trained(e);
    const sd = opt.stateDict();
    const ys = params.map((p) => p.data.slice());
    expect(() =>
      opt.step(() => {
        opt.evalParams();
        return 1;
      }),
    ).toThrow(/ScheduleFreeAdamW\.step: the parameters hold the evaluation point x .*call trainParams\(\) first/);
    expect(opt.mode).toBe('eval');
    opt.trainParams();
    params.forEach((p, t) => expectBits(p.data, ys[t]!, `y of tensor ${t}`));
    expect(opt.stateDict()).toEqual(sd);
    expect(opt.step(() => 2)).toBe(2); // the closure's loss, as before
  });

  it('in eval mode step, stateDict, loadStateDict and addParamGroup throw a TypeError and change nothing; zeroGrad works', () => {
    const e = all[2]!;
    const { params, opt } = trained(e);
    const sd = opt.stateDict();
    opt.evalParams();
    const xs = params.map((p) => p.data.slice());
    const [extra] = e.parameters([3]);
    const message = /ScheduleFreeAdamW\.\w+: the parameters hold the evaluation point x .*call trainParams\(\) first/;
    expect(() => opt.step()).toThrow(TypeError);
    expect(() => opt.step(() => 1)).toThrow(message);
    expect(() => opt.stateDict()).toThrow(message);
    expect(() => opt.loadStateDict(sd)).toThrow(message);
    expect(() => opt.addParamGroup({ params: [extra!] })).toThrow(message);
    expect(() => saveCheckpoint({ params, optimizer: opt })).toThrow(message);
    opt.zeroGrad();
    params.forEach((p, t) => expectBits(p.data, xs[t]!, `tensor ${t}`));
    opt.trainParams();
    expect(opt.stateDict()).toEqual(sd);
    opt.addParamGroup({ params: [extra!] });
    opt.step();
  });

  it('the copy of y lives in the engine: trainParams() and dispose() free it; a grown memory or a disposed parameter does not break the way back', async () => {
    const e = await createEngine({ backend: 'simd', initialBytes: 64 << 10 });
    const params = e.parameters([seededValues(1, 100), seededValues(2, 50)]);
    const opt = new ScheduleFreeAdamW(params, { lr: 0.1 });
    params.forEach((p) => p.grad.fill(1));
    opt.step();
    const ys = params.map((p) => p.data.slice());
    const alloc = vi.spyOn(e, 'allocMany');
    opt.evalParams();
    const kept = alloc.mock.results[0]!.value as number[];
    expect(kept).toHaveLength(1);
    e.onGrow(() => {});
    const big = e.parameters([1 << 16]); // the memory grows
    expect(e.growCount).toBeGreaterThan(0);
    params[1]!.dispose();
    opt.trainParams();
    expectBits(params[0]!.data, ys[0]!, 'the live parameter');
    expect(() => e.freeFloats(kept[0]!)).toThrow(RangeError); // already freed
    params[0]!.grad.fill(1);
    opt.paramGroups[0]!.params.splice(1, 1);
    opt.step();
    opt.evalParams();
    const again = alloc.mock.results[1]!.value as number[];
    opt.dispose(); // in eval mode: the parameters keep x, the copy is freed
    expect(() => e.freeFloats(again[0]!)).toThrow(RangeError);
    expect(opt.mode).toBe('train');
    big.forEach((p) => p.dispose());
    e.dispose();
  });

  it('evalParams() past the memory cap: an OutOfMemoryError naming evalParams, and nothing changed (still in train mode)', async () => {
    const e = await createEngine({ backend: 'js', initialBytes: 2 << 20, maximumBytes: 2 << 20 });
    const [p] = e.parameters([[110_000]]); // values, grads, z and v: 1.76 MB; the copy of y would pass the 2 MiB cap
    const opt = new ScheduleFreeAdamW([p!], { lr: 0.1 });
    p!.grad.fill(1);
    opt.step();
    const y = p!.data.slice(), state = opt.stateDict(), inUse = e.arena.bytesInUse;
    expect(() => opt.evalParams()).toThrow(/^ScheduleFreeAdamW\.evalParams: wasm-optim: out of memory/);
    expect(opt.mode).toBe('train');
    expect(e.arena.bytesInUse).toBe(inUse);
    expectBits(p!.data, y, 'y');
    const after = opt.stateDict();
    expectBits(after.state[0]!.z as Float32Array, state.state[0]!.z as Float32Array, 'z');
    expectBits(after.state[0]!.exp_avg_sq as Float32Array, state.state[0]!.exp_avg_sq as Float32Array, 'v');
    opt.step(); // and training goes on
    e.dispose();
  });

  it('a checkpoint saved after an eval/train round trip resumes exactly', async () => {
    const e = all[0]!;
    const { params, opt } = trained(e);
    opt.evalParams();
    opt.trainParams();
    const bytes = saveCheckpoint({ params, optimizer: opt });
    const to = await createEngine({ backend: 'js' });
    const copy = to.parameters(TAIL_SIZES.map((n) => n));
    const opt2 = new ScheduleFreeAdamW(copy, { lr: 0.05, betas: [0.95, 0.99] });
    loadCheckpoint(bytes, { params: copy, optimizer: opt2 });
    for (const [o, ps] of [[opt, params], [opt2, copy]] as const) {
      ps.forEach((p, t) => p.grad.set(seededValues(700 + t, p.length)));
      o.step();
      o.evalParams();
    }
    params.forEach((p, t) => expectBits(copy[t]!.data, p.data, `x, tensor ${t}`));
  });
});

// Ported from optax/contrib/_schedule_free_test.py (optax 0.2.8). `test_schedule_free_adamw`
// compares the shortcut with schedule_free(adamw(b1=0)): there is no generic wrapper here.
describe('optax tests, ported', () => {
  const parabola = { init: [-1, 10, 1], final: [1, -1, 1], grad: (p: Float32Array) => Array.from(p, (x, i) => 2 * (x - [1, -1, 1][i]!)) };
  const rosenbrock = {
    init: [0, 0],
    final: [1, 1],
    grad: (p: Float32Array) => [-2 * (1 - p[0]!) - 400 * p[0]! * (p[1]! - p[0]! ** 2), 200 * (p[1]! - p[0]! ** 2)],
  };

  function optimise(target: typeof parabola, options: ScheduleFreeAdamWOptions, steps: number, e: Engine): Float32Array {
    const [p] = e.parameters([Float32Array.from(target.init)]);
    const opt = new ScheduleFreeAdamW([p!], options);
    for (let s = 0; s < steps; s++) {
      p!.grad.set(target.grad(p!.data));
      opt.step();
    }
    opt.evalParams();
    const x = p!.data.slice();
    opt.dispose();
    p!.dispose();
    return x;
  }

  // _WARM_LR = warmup_constant_schedule(0, 1e-2, 5000); adam and adamw (weight decay 1e-4) with b1 = 0.
  it.each([
    ['parabola', 'adam', parabola, 0],
    ['parabola', 'adamw', parabola, 1e-4],
    ['rosenbrock', 'adam', rosenbrock, 0],
    ['rosenbrock', 'adamw', rosenbrock, 1e-4],
  ] as const)('test_optimization: %s, %s: 25000 steps reach the minimum (3e-2)', (_t, _o, target, weightDecay) => {
    const x = optimise(target, { lr: 1e-2, warmupSteps: 5000, weightDecay }, 25000, all[0]!);
    expectNear(x, target.final, 'eval params', 3e-2, 3e-2);
  });

  it('test_learning_rate_zero: 25000 steps at lr 0 leave the evaluation point at the start', () => {
    const x = optimise(parabola, { lr: 0 }, 25000, all[2]!);
    expectNear(x, parabola.init, 'eval params', 1e-6, 0);
  });

  it('test_scalar_preservance: a 0-d parameter keeps its shape through evalParams', () => {
    const [p] = all[0]!.parameters([[]]);
    const opt = new ScheduleFreeAdamW([p!], { lr: 0 });
    opt.evalParams();
    expect(p!.shape).toEqual([]);
    expect(p!.data).toHaveLength(1);
    opt.dispose();
  });
});

/** A schedule-free case of fixtures/next: its evaluation point is always given. */
type Case = OptimizerCase & { expected_state: { eval_params: number[][][] }; tolerance: { abs: number; rel: number } };

/**
 * The paper's Algorithm 1 (Schedule-Free AdamW) in float64, storing x and z and forming y from
 * them, with optax's parametrisation where optax departs from the paper: ε added to the
 * bias-corrected √v̂ (the paper folds √(1 − β2ᵗ) into γt), weights maxLr^P instead of γt², and the
 * warmup schedule read at t for the weights and t − 1 for the z step. Returns y and x per step.
 */
function paperReference(c: Case): { y: number[][][]; x: number[][][] } {
  const o = toOptions(c.options) as Required<ScheduleFreeAdamWOptions>;
  const [b1, b2] = o.betas;
  const lrAt = (t: number) => (o.warmupSteps === null ? o.lr : (o.lr * Math.min(t, o.warmupSteps)) / o.warmupSteps);
  const x = c.params.map((p) => [...p]), z = c.params.map((p) => [...p]), v = c.params.map((p) => p.map(() => 0));
  const out = { y: [] as number[][][], x: [] as number[][][] };
  let maxLr = 0, sum = 0;
  c.grads.forEach((gs, s) => {
    const t = s + 1;
    maxLr = Math.max(maxLr, lrAt(t));
    sum += maxLr ** o.weightLrPower;
    const ck = sum === 0 ? 0 : maxLr ** o.weightLrPower / sum;
    gs.forEach((g, k) => {
      for (let i = 0; i < g.length; i++) {
        const y = (1 - b1) * z[k]![i]! + b1 * x[k]![i]!;
        v[k]![i] = b2 * v[k]![i]! + (1 - b2) * g[i]! ** 2;
        z[k]![i] = z[k]![i]! - lrAt(t - 1) * (g[i]! / (Math.sqrt(v[k]![i]! / (1 - b2 ** t)) + o.eps) + o.weightDecay * y);
        x[k]![i] = (1 - ck) * x[k]![i]! + ck * z[k]![i]!;
      }
    });
    out.x.push(x.map((a) => [...a]));
    out.y.push(x.map((a, k) => a.map((xi, i) => (1 - b1) * z[k]![i]! + b1 * xi)));
  });
  return out;
}

describe('a float64 reference of the paper, against the library and the fixtures', () => {
  const file = JSON.parse(gunzipSync(readFileSync(new URL('./fixtures/next/optimizers-next.json.gz', import.meta.url))).toString()) as { cases: Case[] };
  const cases = file.cases.filter((c) => c.optimizer === 'schedule_free_adamw');

  it('the fixture file holds the 8 schedule_free_adamw cases', () => {
    expect(cases.map((c) => c.name.split('/')[1]).sort()).toEqual(['default', 'default', 'tuned', 'tuned', 'warmup', 'warmup', 'weight_decay', 'weight_decay']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: y and x of the library and of the fixture within the case tolerance of float64', (_n, c) => {
    const ref = paperReference(c);
    const e = all[0]!;
    const ps = e.parameters(c.params.map((p) => Float32Array.from(p)));
    const opt = new ScheduleFreeAdamW(ps, toOptions(c.options) as ScheduleFreeAdamWOptions);
    const { abs, rel } = c.tolerance;
    c.grads.forEach((gs, s) => {
      gs.forEach((g, t) => ps[t]!.grad.set(g));
      opt.step();
      ps.forEach((p, t) => {
        expectNear(p.data, ref.y[s]![t]!, `library y, step ${s + 1} tensor ${t}`, rel, abs);
        expectNear(c.expected[s]![t]!, ref.y[s]![t]!, `fixture y, step ${s + 1} tensor ${t}`, rel, abs);
        expectNear(c.expected_state.eval_params[s]![t]!, ref.x[s]![t]!, `fixture x, step ${s + 1} tensor ${t}`, rel, abs);
      });
      opt.evalParams();
      ps.forEach((p, t) => expectNear(p.data, ref.x[s]![t]!, `library x, step ${s + 1} tensor ${t}`, rel, abs));
      opt.trainParams();
    });
    opt.dispose();
    ps.forEach((p) => p.dispose());
  });
});

describe('ScheduleFreeAdamW validation', () => {
  it('betas[0] = 0 is a RangeError (x = (y − (1 − β1)·z)/β1), at construction and as a group edit', () => {
    const [p] = all[0]!.parameters([3]);
    expect(() => new ScheduleFreeAdamW([p!], { betas: [0, 0.999] })).toThrow(RangeError);
    expect(() => new ScheduleFreeAdamW([p!], { betas: [0, 0.999] })).toThrow(/betas\[0\] must be > 0/);
    expect(() => new ScheduleFreeAdamW([{ params: [p!], betas: [0, 0.9] }])).toThrow(/param group 0: betas\[0\]/);
    expectEditRefused(new ScheduleFreeAdamW([p!]), (g) => (g.betas = [0, 0.999]), /betas\[0\] must be > 0/, 2);
  });

  it('warmupSteps is null or an integer ≥ 1; weightLrPower ≥ 0', () => {
    const [p] = all[0]!.parameters([3]);
    expect(() => new ScheduleFreeAdamW([p!], { warmupSteps: 0 })).toThrow(RangeError);
    expect(() => new ScheduleFreeAdamW([p!], { warmupSteps: 2.5 })).toThrow(/warmupSteps must be an integer/);
    expect(() => new ScheduleFreeAdamW([p!], { warmupSteps: '5' as never })).toThrow(TypeError);
    expect(() => new ScheduleFreeAdamW([p!], { weightLrPower: -1 })).toThrow(/weightLrPower must be >= 0/);
    expect(new ScheduleFreeAdamW([p!], { warmupSteps: null }).defaults.warmupSteps).toBeNull();
  });

  it('loadStateDict refuses a negative or non-numeric max_lr / weight_sum and changes nothing', () => {
    const [p] = all[1]!.parameters([4]);
    const opt = new ScheduleFreeAdamW([p!]);
    p!.grad.fill(1);
    opt.step();
    const sd = opt.stateDict();
    for (const [k, v, Err] of [['max_lr', -1, RangeError], ['weight_sum', 'x', TypeError], ['weight_sum', Infinity, TypeError]] as const) {
      const bad = structuredClone(sd);
      (bad.state[0] as Record<string, unknown>)[k] = v;
      expect(() => opt.loadStateDict(bad), `${k} = ${String(v)}`).toThrow(Err);
      expect(() => opt.loadStateDict(bad)).toThrow(new RegExp(k));
      expect(opt.stateDict()).toEqual(sd);
    }
  });
});

describe('the idiomatic baseline (src/cli/bench/idiomatic/schedule_free_adamw.ts)', () => {
  it.each([{}, { lr: 0.02, betas: [0.95, 0.99], weightDecay: 0.05, weightLrPower: 1, warmupSteps: 3, maximize: true }] as ScheduleFreeAdamWOptions[])(
    'agrees with the library to float32 tolerance over 6 steps: %j',
    (options) => {
      const n = 37;
      const p0 = seededValues(5, n), g = seededValues(6, n);
      const [p] = all[2]!.parameters([p0]);
      p!.grad.set(g);
      const opt = new ScheduleFreeAdamW([p!], options);
      const { params: _ps, ...hyper } = opt.paramGroups[0] as unknown as Record<string, unknown>;
      const mine = Float32Array.from(p0);
      const loop = idiomatic(mine, Float32Array.from(g), hyper);
      for (let s = 0; s < 6; s++) {
        opt.step();
        loop.step();
      }
      expectNear(mine, p!.data, 'y', 1e-4, 1e-6);
      expect(Math.max(...p!.data.map((x, i) => Math.abs(x - p0[i]!)))).toBeGreaterThan(1e-3);
      opt.dispose();
    },
  );
});
