// Adafactor: hand-computed first steps (factored and not), a float64 version of the algorithm
// from the paper against the library and against the reference trajectories, batches of
// matrices, torch's scalar semantics (Python max, the lr cap on ρ, ε1 = None), the behaviours
// torch's test_optim checks (each of its option sets goes the right way, zero gradients change
// nothing, its bad arguments are refused), edge shapes, state layout, the idiomatic baseline.
// Every run is compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes, state and checkpoint round trips, threads:
// the contract suites, which shape Adafactor's tensors through its registration.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adafactor, type AdafactorOptions } from '../src/optim/adafactor.js';
import type { ParamState } from '../src/optim/optimizer.js';
import idiomatic from '../src/cli/bench/idiomatic/adafactor.js';
import { awkwardGrads, expectBits, expectNear, seededValues, TAIL_SIZES } from './helpers/backends.js';
import { engines, expectSameStates, firstBitDifference } from './helpers/lockstep.js';
import { nextCases } from './helpers/next-fixtures.js';

let all: Engine[];
beforeAll(async () => {
  all = await engines(4 << 20);
});

interface Trajectory {
  /** params[s][t]: tensor t after step s + 1. */
  params: Float32Array[][];
  state: Record<number, ParamState>;
}

type Grads = (s: number, params: Float32Array[]) => ArrayLike<number>[];

/** Runs Adafactor over tensors of `shapes` on every backend; expects the same bits everywhere; returns the trajectory. */
function runAll(shapes: number[][], init: ArrayLike<number>[], options: AdafactorOptions, grads: Grads, steps: number): Trajectory {
  const runs = all.map((e) => {
    const ps = e.parameters(shapes.map((shape, t) => ({ shape, data: init[t]! })));
    const opt = new Adafactor(ps, options);
    const out: Trajectory = { params: [], state: {} };
    try {
      for (let s = 0; s < steps; s++) {
        const g = grads(s, ps.map((p) => p.data.slice()));
        ps.forEach((p, t) => p.grad.set(g[t]!));
        opt.step();
        out.params.push(ps.map((p) => p.data.slice()));
      }
      out.state = opt.stateDict().state;
      return out;
    } finally {
      opt.dispose();
      ps.forEach((p) => p.dispose());
    }
  });
  const [ref, ...others] = runs;
  others.forEach((r, k) => {
    const what = `${all[k + 1]!.backend} vs ${all[0]!.backend}`;
    r.params.forEach((ps, s) => ps.forEach((p, t) => expectBits(p, ref!.params[s]![t]!, `${what}: step ${s + 1}, tensor ${t}`)));
    expectSameStates(r.state, ref!.state, what);
  });
  return ref!;
}

const fixed = (gs: ArrayLike<number>[][]): Grads => (s) => gs[s]!;
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const rms = (x: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0) / x.length);

interface Hyper {
  lr: number;
  beta2Decay: number;
  eps: [number | null, number];
  d: number;
  weightDecay: number;
  maximize: boolean;
}
const DEFAULTS: Hyper = { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false };

/**
 * Adafactor in float64 from the paper (Shazeer & Stern 2018, Algorithms 4 and 5: β̂2t = 1 − t^τ,
 * ρt = min(·, 1/√t), αt = max(ε2, RMS(X))·ρt, R and C of G², V̂ = R·C / 1ᵀR, U = G/√V̂,
 * Û = U / max(1, RMS(U)/d)) with the changes torch's documentation states: lr caps ρt and scales
 * a decoupled weight decay, means instead of sums, ε1 as max(mean R, ε1) and max(√V̂, ε1).
 * Leading dims of a tensor of more than two are a batch of matrices.
 */
function adafactor64(shapes: number[][], init: ArrayLike<number>[], grads: ArrayLike<number>[][], h: Hyper): number[][][] {
  const eps1 = h.eps[0] ?? 2 ** -23, eps2 = h.eps[1];
  const p = init.map((x) => Array.from(x));
  const stats = shapes.map((s) => {
    const n = numel(s);
    if (s.length < 2) return { v: new Array<number>(n).fill(0), r: [], c: [] };
    const rows = s[s.length - 2]!, cols = s[s.length - 1]!, batch = n / (rows * cols);
    return { v: [], r: new Array<number>(batch * rows).fill(0), c: new Array<number>(batch * cols).fill(0) };
  });
  const out: number[][][] = [];
  grads.forEach((gs, s) => {
    const t = s + 1;
    const beta = 1 - t ** h.beta2Decay;
    const rho = Math.min(h.lr, 1 / Math.sqrt(t));
    shapes.forEach((shape, k) => {
      const x = p[k]!, n = x.length, st = stats[k]!;
      const g = Array.from(gs[k]!, (v) => (h.maximize ? -v : v));
      const alpha = Math.max(eps2, rms(x)) * rho;
      for (let i = 0; i < n; i++) x[i] = x[i]! * (1 - h.lr * h.weightDecay);
      const u = new Array<number>(n);
      if (shape.length < 2) {
        for (let i = 0; i < n; i++) {
          st.v[i] = beta * st.v[i]! + (1 - beta) * g[i]! * g[i]!;
          u[i] = g[i]! / Math.max(Math.sqrt(st.v[i]!), eps1);
        }
      } else {
        const rows = shape[shape.length - 2]!, cols = shape[shape.length - 1]!;
        for (let b = 0; b < n / (rows * cols); b++) {
          const at = (i: number, j: number): number => b * rows * cols + i * cols + j;
          for (let i = 0; i < rows; i++) {
            let m = 0;
            for (let j = 0; j < cols; j++) m += g[at(i, j)]! ** 2 / cols;
            st.r[b * rows + i] = beta * st.r[b * rows + i]! + (1 - beta) * m;
          }
          for (let j = 0; j < cols; j++) {
            let m = 0;
            for (let i = 0; i < rows; i++) m += g[at(i, j)]! ** 2 / rows;
            st.c[b * cols + j] = beta * st.c[b * cols + j]! + (1 - beta) * m;
          }
          const den = Math.max(st.r.slice(b * rows, (b + 1) * rows).reduce((a, v) => a + v, 0) / rows, eps1);
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) u[at(i, j)] = g[at(i, j)]! / Math.max(Math.sqrt((st.r[b * rows + i]! * st.c[b * cols + j]!) / den), eps1);
          }
        }
      }
      const clip = Math.max(1, rms(u) / h.d);
      for (let i = 0; i < n; i++) x[i] = x[i]! - (alpha * u[i]!) / clip;
    });
    out.push(p.map((x) => x.slice()));
  });
  return out;
}

/** Gradients as the reference fixtures make them: scaled by 1, 0.01, 3, 1e-4, 1, 50 in turn. */
function fixtureLikeGrads(shapes: number[][], steps: number, seed: number): Float32Array[][] {
  const scales = [1, 0.01, 3, 1e-4, 1, 50];
  return Array.from({ length: steps }, (_, s) => shapes.map((sh, t) => seededValues(seed + 100 * s + t, numel(sh), scales[s % 6]!)));
}

const fixtureCases = nextCases('adafactor', DEFAULTS);

describe('Adafactor', () => {
  it('first step of a matrix by hand: row and column means of g², V = r·c / mean(r), p − α·U', () => {
    // g = [[1, 2], [3, 4]]: r = [2.5, 12.5], c = [5, 10], mean(r) = 7.5, U² = g²·7.5/(r·c), RMS(U) < 1.
    const r = runAll([[2, 2]], [[1, 2, 3, 4]], {}, fixed([[[1, 2, 3, 4]]]), 1);
    const alpha = Math.sqrt(7.5) * 0.01;
    expectNear(r.params[0]![0]!, [1, 2, 3, 4].map((x, i) => x - alpha * Math.sqrt([0.6, 1.2, 1.08, 0.96][i]!)), 'p');
    expectNear(r.state[0]!.row_var as Float32Array, [2.5, 12.5], 'row_var');
    expectNear(r.state[0]!.col_var as Float32Array, [5, 10], 'col_var');
    expect((r.state[0]!.variance as Float32Array).length).toBe(0);
  });

  it('first step of a vector by hand: v = g², U = sign(g), p − α·sign(g)', () => {
    const r = runAll([[3]], [[3, -4, 0]], {}, fixed([[[0.5, -2, 1e-3]]]), 1);
    const alpha = Math.sqrt(25 / 3) * 0.01;
    expectNear(r.params[0]![0]!, [3 - alpha, -4 + alpha, -alpha], 'p');
    expectNear(r.state[0]!.variance as Float32Array, [0.25, 4, 1e-6], 'variance');
    expect([(r.state[0]!.row_var as Float32Array).length, (r.state[0]!.col_var as Float32Array).length]).toEqual([0, 0]);
  });

  it('follows the float64 algorithm of the paper (with torch’s stated changes) over 12 steps, within the fixtures’ tolerance', () => {
    const shapes = [[7, 5], [16, 3], [37], [2, 3, 6], [1, 9]];
    const init = shapes.map((s, t) => seededValues(10 + t, numel(s)));
    const grads = fixtureLikeGrads(shapes, 12, 300);
    const sets: Array<[AdafactorOptions, Hyper]> = [
      [{}, DEFAULTS],
      [{ lr: 0.05, weightDecay: 0.1 }, { ...DEFAULTS, lr: 0.05, weightDecay: 0.1 }],
      [{ lr: 0.05, beta2Decay: -0.6, eps: [1e-12, 0.01], d: 2, maximize: true }, { ...DEFAULTS, lr: 0.05, beta2Decay: -0.6, eps: [1e-12, 0.01], d: 2, maximize: true }],
    ];
    for (const [options, hyper] of sets) {
      const r = runAll(shapes, init, options, fixed(grads), 12);
      const ref = adafactor64(shapes, init, grads, hyper);
      ref.forEach((ps, s) => ps.forEach((p, t) => expectNear(r.params[s]![t]!, p, `${JSON.stringify(options)} step ${s + 1} tensor ${t}`)));
    }
  });

  it('the float64 algorithm reproduces the reference trajectories (so they and the library read torch alike)', () => {
    expect(fixtureCases.map((c) => c.name)).toEqual(['adafactor/default', 'adafactor/weight_decay', 'adafactor/tuned_maximize']);
    for (const c of fixtureCases) {
      const ref = adafactor64(c.shapes!, c.params, c.grads, c.resolved);
      ref.forEach((ps, s) => ps.forEach((p, t) => expectNear(c.expected[s]![t]!, p, `${c.name} step ${s + 1} tensor ${t}`, c.tolerance.rel, c.tolerance.abs)));
    }
  });

  it('a tensor of more than two dims is a batch of matrices: per-matrix statistics, one step size for the tensor', () => {
    const g = [seededValues(1, 24, 2), seededValues(2, 24, 0.5)];
    const batch = runAll([[2, 3, 4]], [seededValues(3, 24)], {}, fixed(g.map((x) => [x])), 2);
    const split = runAll([[3, 4], [3, 4]], [seededValues(3, 24).slice(0, 12), seededValues(3, 24).slice(12)], {}, fixed(g.map((x) => [x.slice(0, 12), x.slice(12)])), 2);
    const cat = (k: string) => [...(split.state[0]![k] as Float32Array), ...(split.state[1]![k] as Float32Array)];
    expectBits(batch.state[0]!.row_var as Float32Array, cat('row_var'), 'row_var');
    expectBits(batch.state[0]!.col_var as Float32Array, cat('col_var'), 'col_var');
    expect([(batch.state[0]!.row_var as Float32Array).length, (batch.state[0]!.col_var as Float32Array).length]).toEqual([6, 8]);
    // α and the clipping use the whole tensor's RMS, so the parameters differ from the split run.
    expect(Array.from(batch.params[1]![0]!)).not.toEqual([...split.params[1]![0]!, ...split.params[1]![1]!]);
  });

  it('lr caps ρ = min(lr, 1/√t): lr 1 and lr 5 give the same steps, lr 0.01 others', () => {
    const shapes = [[4, 3], [5]];
    const init = [seededValues(4, 12), seededValues(5, 5)];
    const grads = fixed(fixtureLikeGrads(shapes, 4, 40));
    const one = runAll(shapes, init, { lr: 1 }, grads, 4), five = runAll(shapes, init, { lr: 5 }, grads, 4);
    one.params.forEach((ps, s) => ps.forEach((p, t) => expectBits(five.params[s]![t]!, p, `step ${s + 1} tensor ${t}`)));
    expect(Array.from(runAll(shapes, init, { lr: 0.01 }, grads, 4).params[3]![0]!)).not.toEqual(Array.from(one.params[3]![0]!));
  });

  it('eps [null, ε2] is ε1 = 2⁻²³ (torch.finfo(float32).eps), bit for bit', () => {
    const shapes = [[3, 5], [6]];
    const init = [seededValues(6, 15), seededValues(7, 6)];
    const grads = fixed(fixtureLikeGrads(shapes, 5, 70).map((gs) => gs.map((g) => g.map((x) => x * 1e-8))));
    const none = runAll(shapes, init, { eps: [null, 1e-3] }, grads, 5);
    const given = runAll(shapes, init, { eps: [2 ** -23, 1e-3] }, grads, 5);
    none.params.forEach((ps, s) => ps.forEach((p, t) => expectBits(given.params[s]![t]!, p, `step ${s + 1}`)));
    expect(Array.from(runAll(shapes, init, { eps: [1e-30, 1e-3] }, grads, 5).params[4]![1]!)).not.toEqual(Array.from(none.params[4]![1]!));
  });

  it('scalars follow Python’s max as torch computes them: a NaN RMS neither poisons α nor the clipping', () => {
    // A NaN gradient element: ‖U‖ is NaN, max(1.0, nan) = 1.0, so the other elements take their step.
    const r = runAll([[4]], [[1, 2, 3, 4]], {}, fixed([[[1, NaN, 2, -3]]]), 1);
    const alpha = Math.sqrt(7.5) * 0.01;
    const p = r.params[0]![0]!;
    expectNear([p[0]!, p[2]!, p[3]!], [1 - alpha, 3 - alpha, 4 + alpha], 'finite elements');
    expect(p[1]).toBeNaN();
    // A NaN parameter: RMS(p) is NaN, max(ε2, nan) = ε2, so α = ε2·ρ.
    const q = runAll([[2]], [[NaN, 1]], {}, fixed([[[1, 1]]]), 1).params[0]![0]!;
    expect(q[0]).toBeNaN();
    expectNear([q[1]!], [1 - 1e-3 * 0.01], 'α from ε2');
  });

  it('bit parity at every row tail and batch, with signed zeros, subnormal, huge and overflowing gradients', () => {
    const shapes = [...TAIL_SIZES.flatMap((c) => [[1, c], [3, c], [5, c]]), [2, 3, 5], [4, 1, 7], [9]];
    const init = shapes.map((s, t) => seededValues(500 + t, numel(s)));
    const grads = awkwardGrads(shapes.reduce((a, s) => a + numel(s), 0), 6, 77);
    const split = (flat: Float32Array): Float32Array[] => {
      let at = 0;
      return shapes.map((s) => flat.slice(at, (at += numel(s))));
    };
    runAll(shapes, init, { weightDecay: 0.1, maximize: true }, (s) => split(grads[s]!), 6);
  });

  describe('torch test_optim behaviours', () => {
    // torch's optim_inputs_func_adafactor option sets.
    const SETS: AdafactorOptions[] = [{}, { weightDecay: 0.1, lr: 0.01 }, { weightDecay: 0.1, maximize: true }, { beta2Decay: -1 }, { d: 1.5 }];

    it.each(SETS.map((o) => [JSON.stringify(o), o] as const))('goes the right direction on (W·x + b)² over 20 steps: %s', (_, options) => {
      // test_forloop_goes_right_direction: weight 10×5, bias 10, input 5.
      const x = Array.from(seededValues(11, 5));
      const loss = (w: ArrayLike<number>, b: ArrayLike<number>): number => {
        let s = 0;
        for (let i = 0; i < 10; i++) {
          let r = b[i]!;
          for (let j = 0; j < 5; j++) r += w[i * 5 + j]! * x[j]!;
          s += r * r;
        }
        return s;
      };
      const grad = (_s: number, [w, b]: Float32Array[]): Float32Array[] => {
        const gw = new Float32Array(50), gb = new Float32Array(10);
        for (let i = 0; i < 10; i++) {
          let r = b![i]!;
          for (let j = 0; j < 5; j++) r += w![i * 5 + j]! * x[j]!;
          gb[i] = 2 * r;
          for (let j = 0; j < 5; j++) gw[i * 5 + j] = 2 * r * x[j]!;
        }
        return [gw, gb];
      };
      const init = [seededValues(12, 50), seededValues(13, 10)];
      const r = runAll([[10, 5], [10]], init, options, grad, 20);
      const before = loss(init[0]!, init[1]!), after = loss(r.params[19]![0]!, r.params[19]![1]!);
      if (options.maximize) expect(after).toBeGreaterThan(before);
      else expect(after).toBeLessThan(before);
    });

    it('a step on zero gradients changes no parameter bit (test_step_is_noop_for_zero_grads)', () => {
      const shapes = [[3, 4], [5], [2, 2, 3]];
      const init = [seededValues(14, 12), Float32Array.of(-0, 0, 1, -2, 3e-39), seededValues(15, 12)];
      const r = runAll(shapes, init, {}, () => shapes.map((s) => new Float32Array(numel(s))), 3);
      r.params.forEach((ps, s) => ps.forEach((p, t) => expectBits(p, init[t]!, `step ${s + 1} tensor ${t}`)));
    });

    it('refuses torch’s bad arguments with the argument named, and Adafactor’s eps pair checked element by element', () => {
      const [w] = all[2]!.parameters([[2, 3]]);
      const bad: Array<[AdafactorOptions, ErrorConstructor, RegExp]> = [
        [{ eps: [-1e-30, 1e-3] }, RangeError, /eps\[0\] must be >= 0/],
        [{ d: 0 }, RangeError, /d must be in \[1, ∞\)/],
        [{ beta2Decay: 0.8 }, RangeError, /beta2Decay must be in \(-∞, 0\]/],
        [{ lr: -1 }, RangeError, /lr must be >= 0/],
        [{ weightDecay: -1 }, RangeError, /weightDecay must be >= 0/],
        [{ eps: [null, -1] }, RangeError, /eps\[1\] must be >= 0/],
        [{ eps: [null, null] as unknown as [null, number] }, TypeError, /eps\[1\] must be a number, got null/],
        [{ eps: [1e-30] as unknown as [number, number] }, TypeError, /eps must be a pair \[eps1 \| null, eps2\]/],
        [{ eps: 1e-3 as unknown as [number, number] }, TypeError, /eps must be a pair/],
        [{ eps: [Infinity, 1e-3] }, RangeError, /eps\[0\] must be finite/],
        [{ beta2Decay: NaN }, RangeError, /beta2Decay/],
      ];
      for (const [options, Err, message] of bad) {
        expect(() => new Adafactor([w!], options), JSON.stringify(options)).toThrow(Err);
        expect(() => new Adafactor([w!], options), JSON.stringify(options)).toThrow(message);
      }
      w!.dispose();
    });
  });

  it('empty tensors ([0], [0, 4], [3, 0]) step without change beside a real one', () => {
    const r = runAll([[0], [0, 4], [3, 0], [2, 2]], [[], [], [], [1, 2, 3, 4]], {}, fixed([[[], [], [], [1, 2, 3, 4]]]), 1);
    expect(r.state[1]!.step).toBe(1);
    expectBits(r.state[1]!.col_var as Float32Array, [0, 0, 0, 0], 'col_var of [0, 4] untouched');
    expect((r.state[2]!.row_var as Float32Array).length).toBe(3);
    expect(Array.from(r.params[0]![3]!)).not.toEqual([1, 2, 3, 4]);
  });

  it('loadStateDict refuses a factored statistic of the wrong length and keeps the state it had', () => {
    const [w] = all[2]!.parameters([[3, 4]]);
    w!.grad.set(seededValues(16, 12));
    const opt = new Adafactor([w!]);
    opt.step();
    const before = opt.stateDict();
    const sd = JSON.parse(JSON.stringify(before));
    sd.state[0].row_var = [1, 2, 3, 4];
    expect(() => opt.loadStateDict(sd)).toThrow(/row_var has 4 elements/);
    expect(opt.stateDict()).toEqual(before);
    opt.dispose();
    w!.dispose();
  });

  it('the idiomatic JS baseline does the same update on the benchmark’s matrix shapes', () => {
    for (const n of [1023, 1024]) {
      const e = all[0]!;
      const shape = Adafactor.registration.shape(n, 0);
      const [p] = e.parameters([{ shape, data: seededValues(17, n) }]);
      const g = seededValues(18, n, 0.3);
      p!.grad.set(g);
      const opt = new Adafactor([p!], { weightDecay: 0.05 });
      const { params: _ps, ...hyper } = opt.paramGroups[0]!;
      const mineP = seededValues(17, n);
      const mine = idiomatic(mineP, g, hyper);
      for (let s = 0; s < 6; s++) {
        opt.step();
        mine.step();
      }
      expect(shape.length).toBe(2);
      expectNear(mineP, p!.data, `n = ${n}`, 1e-4);
      expect(firstBitDifference(mineP, seededValues(17, n))).not.toBe(-1);
      opt.dispose();
      p!.dispose();
    }
  });
});
