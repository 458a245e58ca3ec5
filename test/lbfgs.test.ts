// LBFGS: its kernels on every backend, whole runs bit for bit on simd, scalar and js (with and
// without the line search, history wrap-around, parameters in several runs), torch's test_optim
// behaviours (Rosenbrock with and without strong Wolfe, ±Infinity tolerance_grad), a float64
// port of torch's algorithm that the float32 optimizer tracks, the stopping rules, state round
// trips and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Engine, SCRATCH_OFFSET } from '../src/engine.js';
import type { Parameter } from '../src/memory/parameter.js';
import { LBFGS, type LBFGSOptions } from '../src/optim/lbfgs.js';
import { scalars } from '../src/wasm/kernel-table.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, seededValues, TAIL_SIZES } from './helpers/backends.js';
import { lbfgs64, type Objective, rosenbrock, smoothQuartic } from './helpers/lbfgs64.js';
import { type OptimizerCase, runCase } from '../src/cli/conformance/optimizers.js';
import { idiomaticVariant, libraryVariant, problem } from '../src/cli/bench/lbfgs.js';

let all: Engine[];
beforeAll(async () => {
  all = await engines(4 << 20);
});

/** A closure over `params` (their values as one flat vector) that writes the gradient and counts its calls. */
function closureFor(params: readonly Parameter[], fn: Objective): { closure: () => number; calls: () => number } {
  let calls = 0;
  const closure = () => {
    calls++;
    const x = params.flatMap((p) => Array.from(p.data));
    const [loss, g] = fn(x);
    let o = 0;
    for (const p of params) {
      p.grad.set(g.slice(o, o + p.length));
      o += p.length;
    }
    return loss;
  };
  return { closure, calls: () => calls };
}

/** Runs `steps` steps on one engine; returns the flat values after each step, the losses and the state. */
function run(e: Engine, init: readonly Float32Array[], fn: Objective, options: LBFGSOptions, steps: number, split = false) {
  // `split`: a spacer parameter between the tensors, so the optimizer sees several runs.
  const specs = split ? init.flatMap((x, i) => (i === 0 ? [x] : [new Float32Array(3), x])) : init;
  const made = e.parameters(specs as Float32Array[]);
  const params = split ? made.filter((_, i) => i % 2 === 0) : made;
  const opt = new LBFGS(params, options);
  const { closure, calls } = closureFor(params, fn);
  const xs: number[][] = [], losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    losses.push(opt.step(closure));
    xs.push(params.flatMap((p) => Array.from(p.data)));
  }
  const out = { xs, losses, state: opt.stateDict(), calls: calls(), opt, params };
  return out;
}

/** Runs on every backend and expects the same bits everywhere; returns the js run. */
function runAll(init: readonly Float32Array[], fn: Objective, options: LBFGSOptions, steps: number, split = false) {
  const runs = all.map((e) => run(e, init, fn, options, steps, split));
  const ref = runs[runs.length - 1]!;
  for (const r of runs.slice(0, -1)) {
    r.xs.forEach((x, s) => expectBits(x, ref.xs[s]!, `step ${s + 1}`));
    expect(r.losses).toEqual(ref.losses);
    expect(r.calls).toBe(ref.calls);
    for (const [i, st] of Object.entries(ref.state.state)) {
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') expect(r.state.state[Number(i)]![k], k).toBe(v);
        else expectBits(r.state.state[Number(i)]![k] as Float32Array, v, `${k} of ${i}`);
      }
    }
  }
  for (const r of runs.slice(0, -1)) r.opt.dispose();
  return ref;
}

describe('LBFGS kernels', () => {
  const sizes = [...TAIL_SIZES, 64, 1000];
  it('dot, axpy+dot, the curvature pair and the push agree bit for bit on every backend, at every tail size', () => {
    for (const n of sizes) {
      const outs = all.map((e) => {
        const [x, y, z, w] = e.parameters([seededValues(1, n, 3), seededValues(2, n), seededValues(3, n, 1e-3), seededValues(4, n, 1e5)]);
        const k = e.kernels;
        const dot = k.lbfgs_dot_f32(x!.offset, y!.offset, n);
        const s = scalars('lbfgs_axpy_dot_f32');
        s.a = -0.37;
        const ad = k.lbfgs_axpy_dot_f32(x!.offset, y!.offset, z!.offset, n, s);
        const c = scalars('lbfgs_curvature_f32');
        c.t = 0.71;
        k.lbfgs_curvature_f32(x!.offset, y!.offset, w!.offset, SCRATCH_OFFSET, n, c);
        const cur = Array.from(e.heap.f64.subarray(SCRATCH_OFFSET >> 3, (SCRATCH_OFFSET >> 3) + 2));
        k.lbfgs_push_f32(x!.offset, y!.offset, w!.offset, z!.offset, z!.gradOffset, n, c);
        return { dot, ad, cur, x: x!.data.slice(), z: z!.data.slice(), sz: z!.grad.slice() };
      });
      const ref = outs[2]!;
      for (const o of outs) {
        expect(o.dot, `dot n=${n}`).toBe(ref.dot);
        expect(o.ad, `axpy+dot n=${n}`).toBe(ref.ad);
        expect(o.cur, `curvature n=${n}`).toEqual(ref.cur);
        expectBits(o.x, ref.x, `axpy n=${n}`);
        expectBits(o.z, ref.z, `push y n=${n}`);
        expectBits(o.sz, ref.sz, `push s n=${n}`);
      }
    }
  });

  it('compute what they say (small integers: every sum exact)', () => {
    const e = all[0]!;
    const n = 19;
    const xs = Float32Array.from({ length: n }, (_, i) => i - 7), ys = Float32Array.from({ length: n }, (_, i) => 3 - i);
    const ds = Float32Array.from({ length: n }, (_, i) => (i % 5) - 2);
    const [x, y, d, z] = e.parameters([xs, ys, ds, n]);
    const exact = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);
    expect(e.kernels.lbfgs_dot_f32(x!.offset, y!.offset, n)).toBe(exact(xs, ys));
    const s = scalars('lbfgs_axpy_dot_f32');
    s.a = 2;
    const want = xs.map((v, i) => v + 2 * ys[i]!);
    expect(e.kernels.lbfgs_axpy_dot_f32(x!.offset, y!.offset, d!.offset, n, s)).toBe(exact(want, ds));
    expect(Array.from(x!.data)).toEqual(Array.from(want));
    const c = scalars('lbfgs_curvature_f32');
    c.t = 0.5;
    const yv = want.map((v, i) => v - ys[i]!), sv = ds.map((v) => v * 0.5);
    e.kernels.lbfgs_curvature_f32(x!.offset, y!.offset, d!.offset, SCRATCH_OFFSET, n, c);
    expect(e.heap.f64[SCRATCH_OFFSET >> 3]).toBe(exact(yv, sv));
    expect(e.heap.f64[(SCRATCH_OFFSET >> 3) + 1]).toBe(exact(yv, yv));
    e.kernels.lbfgs_push_f32(x!.offset, y!.offset, d!.offset, z!.offset, z!.gradOffset, n, c);
    expect(Array.from(z!.data)).toEqual(Array.from(yv));
    expect(Array.from(z!.grad)).toEqual(Array.from(sv));
  });
});

describe('LBFGS runs', () => {
  const init = [seededValues(5, 17), seededValues(6, 5), seededValues(7, 33)];
  it.each([
    ['fixed steps', { lr: 0.3, maxIter: 6, historySize: 3 }],
    ['strong Wolfe', { lineSearchFn: 'strong_wolfe', maxIter: 6, historySize: 3 }],
  ] as const)('%s: the same bits on simd, scalar and js, tensors in one run or several; the history wraps', (_l, options) => {
    const a = runAll(init, smoothQuartic, options, 5);
    const b = runAll(init, smoothQuartic, options, 5, true);
    a.xs.forEach((x, s) => expectBits(x, b.xs[s]!, `split vs contiguous, step ${s + 1}`));
    expect(a.state.state[0]!.history).toBe(3);
    expect(a.state.state[0]!.n_iter).toBeGreaterThan(6);
  });
});

describe('LBFGS behaviours (torch test_optim)', () => {
  it('converges on Rosenbrock from (1.5, 1.5) without a line search (torch: LBFGS(params) and lr 5e-2, max_iter 5)', () => {
    for (const options of [{}, { lr: 5e-2, maxIter: 5 }]) {
      const r = runAll([Float32Array.of(1.5, 1.5)], rosenbrock, options, options.lr ? 400 : 30);
      const x = r.xs[r.xs.length - 1]!;
      expect(Math.abs(x[0]! - 1), JSON.stringify(options)).toBeLessThan(1e-3);
      expect(Math.abs(x[1]! - 1), JSON.stringify(options)).toBeLessThan(2e-3);
    }
  });

  it('converges on Rosenbrock from (−1.5, 1.5) with strong Wolfe, in few steps', () => {
    const r = runAll([Float32Array.of(-1.5, 1.5)], rosenbrock, { lineSearchFn: 'strong_wolfe' }, 5);
    const x = r.xs[r.xs.length - 1]!;
    expect(Math.abs(x[0]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(x[1]! - 1)).toBeLessThan(1e-5);
    expect(rosenbrock(x)[0]).toBeLessThan(1e-9);
  });

  it('returns the closure’s loss whether tolerance_grad is Infinity (stops at once) or 0 (torch: ±inf; negative tolerances are refused here)', () => {
    for (const toleranceGrad of [Infinity, 0]) {
      const r = run(all[0]!, [seededValues(8, 50)], smoothQuartic, { lr: 0.01, toleranceGrad }, 1);
      expect(r.losses[0]).toBe(smoothQuartic(Array.from(seededValues(8, 50)))[0]);
      expect(r.calls).toBe(toleranceGrad === Infinity ? 1 : 20);
      if (toleranceGrad === Infinity) expectBits(r.xs[0]!, seededValues(8, 50));
      r.opt.dispose();
    }
  });
});

describe('LBFGS against a float64 port of torch.optim.LBFGS', () => {
  it.each([
    ['fixed steps', { lr: 0.5, maxIter: 8, historySize: 4 }],
    ['strong Wolfe', { lineSearchFn: 'strong_wolfe', maxIter: 8, historySize: 4 }],
  ] as const)('%s: the trajectory stays within 1e-4 of the float64 one, with the same closure calls', (_l, options) => {
    const x0 = seededValues(9, 12);
    const r = run(all[0]!, [x0], smoothQuartic, options, 4);
    const ref = lbfgs64(Array.from(x0), smoothQuartic, options, 4);
    expect(r.calls).toBe(ref.calls);
    r.xs.forEach((x, s) => x.forEach((v, i) => expect(Math.abs(v - ref.xs[s]![i]!), `step ${s + 1} [${i}]`).toBeLessThan(1e-4)));
    r.opt.dispose();
  });

  it('a quadratic in 6 dimensions is solved in one step, with the closure calls of the float64 port (strong Wolfe)', () => {
    const a = [1, 2, 3, 5, 8, 13], c = [1, -2, 0.5, 3, -1, 0.25];
    const quad: Objective = (x) => [x.reduce((s, v, i) => s + 0.5 * a[i]! * (v - c[i]!) ** 2, 0), x.map((v, i) => a[i]! * (v - c[i]!))];
    const options = { lineSearchFn: 'strong_wolfe', maxIter: 100, maxEval: 1000, toleranceGrad: 1e-5 } as const;
    const r = run(all[0]!, [new Float32Array(6)], quad, options, 1);
    const ref = lbfgs64([0, 0, 0, 0, 0, 0], quad, options, 1);
    r.xs[0]!.forEach((v, i) => expect(Math.abs(v - c[i]!)).toBeLessThan(1e-5));
    // Inexact (Wolfe) steps: not the n iterations of an exact line search, but few, and as float64 does.
    expect(r.calls).toBe(ref.calls);
    expect(r.state.state[0]!.n_iter).toBeLessThan(3 * 6);
    r.opt.dispose();
  });
});

describe('LBFGS stopping rules and options', () => {
  it('maxEval bounds the closure calls of a step; its default is ⌊maxIter·5/4⌋ (torch)', () => {
    const e = all[0]!;
    const r = run(e, [seededValues(10, 20)], smoothQuartic, { lr: 0.1, maxIter: 100, maxEval: 7, toleranceChange: 0 }, 1);
    expect(r.calls).toBe(7);
    expect(r.state.state[0]!.n_iter).toBe(6);
    expect(r.state.state[0]!.func_evals).toBe(7);
    const [p] = e.parameters([3]);
    expect(new LBFGS([p!], { maxIter: 9 }).paramGroups[0]!.maxEval).toBe(11);
    expect(new LBFGS([p!], { maxIter: 9, maxEval: null }).paramGroups[0]!.maxEval).toBe(11);
    expect(new LBFGS([p!]).paramGroups[0]!.maxEval).toBe(25);
    r.opt.dispose();
  });

  it('maxIter without a line search: maxIter iterations and maxIter closure calls (no evaluation after the last move)', () => {
    const r = run(all[0]!, [seededValues(11, 9)], smoothQuartic, { lr: 0.1, maxIter: 5, toleranceChange: 0 }, 2);
    expect(r.calls).toBe(10);
    expect(r.state.state[0]!.n_iter).toBe(10);
    r.opt.dispose();
  });

  it('toleranceChange: a loss change below it ends the step after one iteration', () => {
    const r = run(all[0]!, [seededValues(12, 9)], smoothQuartic, { lr: 0.1, toleranceChange: 1e6 }, 1);
    // g·d > −1e6 already holds: the first iteration stops before moving.
    expect(r.state.state[0]!.n_iter).toBe(1);
    expect(r.calls).toBe(1);
    expectBits(r.xs[0]!, seededValues(12, 9));
    r.opt.dispose();
  });
});

describe('LBFGS state', () => {
  it.each([
    ['fixed steps', { lr: 0.2, maxIter: 7, historySize: 3 }],
    ['strong Wolfe', { lineSearchFn: 'strong_wolfe', maxIter: 5, historySize: 2 }],
  ] as const)('%s: a state dict (also through JSON), taken with the history ring wrapped, resumes bit for bit; rows oldest first', (_l, options) => {
    for (const e of all) {
      const x0 = [seededValues(13, 9), seededValues(14, 6)];
      const a = e.parameters(x0);
      const opt = new LBFGS(a, options);
      const ca = closureFor(a, smoothQuartic).closure;
      opt.step(ca);
      opt.step(ca);
      const sd = opt.stateDict();
      const H = options.historySize;
      expect(sd.state[0]!.history).toBe(H);
      // A convex loss keeps every pair after the first iteration: n_iter − 1 pairs, so the ring's
      // oldest row is not row 0 in memory. The twin loads them oldest first and steps the same.
      expect((((sd.state[0]!.n_iter as number) - 1) % H), 'the ring has wrapped past row 0').not.toBe(0);
      const b = e.parameters(a.map((p) => p.data.slice()));
      const twin = new LBFGS(b, options);
      twin.loadStateDict(JSON.parse(JSON.stringify(sd)));
      expect(twin.stateDict()).toEqual(sd);
      const cb = closureFor(b, smoothQuartic).closure;
      for (let s = 0; s < 3; s++) {
        expect(twin.step(cb)).toBe(opt.step(ca));
        a.forEach((p, t) => expectBits(b[t]!.data, p.data, `${e.backend} step ${s}`));
      }
      expect(twin.stateDict()).toEqual(opt.stateDict());
      opt.dispose();
      twin.dispose();
    }
  });

  it('a saved state of another historySize loads (and sizes the buffers); a partial or inconsistent state is refused, nothing changed', () => {
    const e = all[2]!;
    const a = e.parameters([seededValues(15, 5), seededValues(16, 4)]);
    const opt = new LBFGS(a, { historySize: 4, lr: 0.1 });
    opt.step(closureFor(a, smoothQuartic).closure);
    const sd = opt.stateDict();
    const b = e.parameters([5, 4]);
    const twin = new LBFGS(b, { historySize: 9 });
    twin.loadStateDict(sd);
    expect(twin.paramGroups[0]!.historySize).toBe(4);
    expect((twin.stateDict().state[1]!.old_dirs as Float32Array).length).toBe(16);
    const before = twin.stateDict();
    const partial = { ...sd, state: { 0: sd.state[0]! } };
    expect(() => twin.loadStateDict(partial)).toThrow(/every parameter or none/);
    const odd = { ...sd, state: { 0: sd.state[0]!, 1: { ...sd.state[1]!, n_iter: 3 } } };
    expect(() => twin.loadStateDict(odd)).toThrow(/every parameter's n_iter must be the same/);
    const tooMany = { ...sd, state: { 0: { ...sd.state[0]!, history: 5 }, 1: { ...sd.state[1]!, history: 5 } } };
    expect(() => twin.loadStateDict(tooMany)).toThrow(RangeError);
    const shortRows = { ...sd, paramGroups: [{ ...sd.paramGroups[0]!, historySize: 3 }] };
    expect(() => twin.loadStateDict(shortRows)).toThrow(RangeError);
    expect(twin.stateDict()).toEqual(before);
    opt.dispose();
    twin.dispose();
  });

  it('editing the parameter list restarts the memory (d ← −g, no pairs), as at the first iteration', () => {
    const e = all[2]!;
    const [p, q] = e.parameters([seededValues(17, 6), seededValues(18, 3)]);
    const opt = new LBFGS([p!], { lr: 0.1, maxIter: 3 });
    opt.step(closureFor([p!], smoothQuartic).closure);
    expect(opt.stateDict().state[0]!.history).toBeGreaterThan(0);
    opt.paramGroups[0]!.params.push(q!);
    const fresh = new LBFGS(e.parameters([p!.data.slice(), q!.data.slice()]), { lr: 0.1, maxIter: 3 });
    const ref = fresh.paramGroups[0]!.params;
    fresh.step(closureFor(ref, smoothQuartic).closure);
    opt.step(closureFor([p!, q!], smoothQuartic).closure);
    expectBits(p!.data, ref[0]!.data);
    expectBits(q!.data, ref[1]!.data);
    expect(opt.stateDict().state[1]!.n_iter).toBe(fresh.stateDict().state[1]!.n_iter);
    expect(opt.stateDict().state[1]!.history).toBe(fresh.stateDict().state[1]!.history);
    opt.dispose();
    fresh.dispose();
  });
});

describe('LBFGS refusals', () => {
  const e = () => all[0]!;
  it('step without a closure, or with one that returns no number: TypeError, nothing changed', () => {
    const [p] = e().parameters([seededValues(19, 4)]);
    const opt = new LBFGS([p!]);
    const x = p!.data.slice();
    expect(() => opt.step()).toThrow(/closure must be a function/);
    expect(() => opt.step('f' as never)).toThrow(TypeError);
    expect(() => opt.step((() => 'one') as never)).toThrow(/must return the loss as a number, got "one"/);
    expect(() => opt.step((() => Promise.resolve(1)) as never)).toThrow(TypeError);
    expectBits(p!.data, x);
    expect(opt.stateDict().state).toEqual({});
    opt.dispose();
  });

  it('bad options, several param groups, addParamGroup and a historySize edit: TypeError/RangeError naming them', () => {
    const [p, q] = e().parameters([3, 3]);
    expect(() => new LBFGS([p!], { lr: -1 })).toThrow(/lr must be >= 0/);
    expect(() => new LBFGS([p!], { maxIter: 0 })).toThrow(/maxIter must be >= 1/);
    expect(() => new LBFGS([p!], { maxIter: 2.5 })).toThrow(/maxIter must be an integer/);
    expect(() => new LBFGS([p!], { maxEval: 0 })).toThrow(/maxEval must be >= 1/);
    expect(() => new LBFGS([p!], { historySize: 0 })).toThrow(/historySize must be >= 1/);
    expect(() => new LBFGS([p!], { toleranceGrad: NaN })).toThrow(/toleranceGrad/);
    expect(() => new LBFGS([p!], { toleranceChange: -1e-9 })).toThrow(/toleranceChange must be in \[0, ∞\)/);
    expect(() => new LBFGS([p!], { lineSearchFn: 'armijo' as never })).toThrow(/lineSearchFn must be 'strong_wolfe' or null/);
    expect(() => new LBFGS([p!], { maximize: true } as never)).toThrow(/unknown option "maximize"/);
    expect(() => new LBFGS([{ params: [p!] }, { params: [q!], lr: 0.1 }])).toThrow(/one param group/);
    const opt = new LBFGS([p!], { historySize: 5 });
    expect(() => opt.addParamGroup({ params: [q!] })).toThrow(RangeError);
    const { closure } = closureFor([p!], smoothQuartic);
    opt.step(closure);
    const before = opt.stateDict();
    const x = p!.data.slice();
    opt.paramGroups[0]!.historySize = 6;
    expect(() => opt.step(closure)).toThrow(/historySize is fixed/);
    opt.paramGroups[0]!.historySize = 5;
    opt.paramGroups[0]!.lineSearchFn = 'wolfe' as never;
    expect(() => opt.step(closure)).toThrow(/lineSearchFn/);
    expectBits(p!.data, x);
    opt.paramGroups[0]!.lineSearchFn = null;
    expect(opt.stateDict()).toEqual(before);
    opt.dispose();
  });

  it('the closure may not call step() or loadStateDict() of its own optimizer (TypeError, nothing changed): the step goes on as if not asked', () => {
    for (const lineSearchFn of [null, 'strong_wolfe'] as const) {
      const twoSteps = (meddle: (opt: LBFGS, saved: ReturnType<LBFGS['stateDict']>) => void) => {
        const [w] = e().parameters([new Float32Array([-1.5, 1.5])]);
        const opt = new LBFGS([w!], { lineSearchFn, lr: lineSearchFn ? 1 : 0.5 });
        const { closure } = closureFor([w!], rosenbrock);
        opt.step(closure);
        const saved = opt.stateDict();
        let calls = 0;
        opt.step(() => {
          if (++calls === 3) meddle(opt, saved);
          return closure();
        });
        const out = { x: w!.data.slice(), state: opt.stateDict(), calls };
        opt.loadStateDict(saved); // allowed again once the step is over
        opt.dispose();
        w!.dispose();
        return out;
      };
      const plain = twoSteps(() => {});
      const refused = twoSteps((opt, saved) => {
        expect(() => opt.step(() => 1)).toThrow(/LBFGS\.step: called by the closure of a running step\(\)/);
        expect(() => opt.loadStateDict(saved)).toThrow(/LBFGS\.loadStateDict: called by the closure of a running step\(\)/);
      });
      expect(plain.calls).toBeGreaterThan(3);
      expectBits(refused.x, plain.x, `${lineSearchFn}: the parameters`);
      expect(refused.state).toEqual(plain.state);
    }
  });

  it('a closure that throws inside the line search leaves the parameters where the iteration started', () => {
    const [p] = e().parameters([seededValues(20, 5)]);
    const opt = new LBFGS([p!], { lineSearchFn: 'strong_wolfe' });
    const { closure } = closureFor([p!], smoothQuartic);
    let calls = 0;
    const x = p!.data.slice();
    expect(() => opt.step(() => (++calls === 2 ? (() => { throw new Error('boom'); })() : closure()))).toThrow('boom');
    expectBits(p!.data, x);
    expect(opt.stateDict().state[0]!.func_evals).toBe(1);
    opt.dispose();
  });
});

describe('LBFGS conformance cases with a function instead of gradients', () => {
  const quadratic: Objective = (x) => [x.reduce((s, v, i) => s + 0.5 * (i + 1) * v * v, 0), x.map((v, i) => (i + 1) * v)];
  /** A case whose expected trajectory is the float64 port's. */
  function caseOf(fn: 'rosenbrock' | 'quadratic', x0: number[][], options: Record<string, unknown>, steps: number): OptimizerCase {
    const flat = x0.flat();
    const o64 = { lr: options.lr as number | undefined, maxIter: options.max_iter as number | undefined, historySize: options.history_size as number | undefined, lineSearchFn: options.line_search_fn as 'strong_wolfe' | null | undefined };
    const ref = lbfgs64(flat, fn === 'rosenbrock' ? rosenbrock : quadratic, o64, steps);
    const split = (x: number[]) => x0.map((t, i) => x.slice(x0.slice(0, i).flat().length, x0.slice(0, i).flat().length + t.length));
    return { name: `lbfgs/${fn}`, optimizer: 'lbfgs', options, function: fn, tensors: x0.map((t) => t.length), params: x0, grads: [], expected: ref.xs.map(split), tolerance: { abs: 1e-5, rel: 1e-4 } };
  }

  it('run on every backend within the case tolerance of the float64 port; a wrong trajectory or function fails', () => {
    const cases = [
      caseOf('quadratic', [[1, -2, 0.5], [3, -1]], { max_iter: 4, history_size: 3, line_search_fn: 'strong_wolfe' }, 2),
      caseOf('quadratic', [[1, -2, 0.5, 3, -1]], { lr: 0.1, max_iter: 5 }, 3),
      caseOf('rosenbrock', [[-1.5, 1.5]], { line_search_fn: 'strong_wolfe', max_iter: 3 }, 2),
    ];
    for (const c of cases) for (const e of all) expect(runCase(c, e), c.name).toEqual([]);
    const off = { ...cases[1]!, expected: cases[1]!.expected.map((s) => s.map((t) => t.map((v) => v + 1e-3))) };
    expect(runCase(off, all[0]!).length).toBeGreaterThan(0);
    expect(runCase({ ...cases[0]!, function: 'himmelblau' }, all[0]!)).toEqual(['unknown function "himmelblau" (expected rosenbrock or quadratic)']);
  });
});

describe('the two-loop benchmark (src/cli/bench/lbfgs.ts)', () => {
  it('times two computations of the same direction: library and idiomatic JS agree to float tolerance', () => {
    const n = 301, m = 4;
    const pb = problem(n, m);
    const lib = libraryVariant(all[0]!, pb, n, m), js = idiomaticVariant(pb, n, m);
    lib.step();
    js.step();
    const a = lib.result(), b = js.result();
    const scale = Math.max(...Array.from(b, Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) expect(Math.abs(a[i]! - b[i]!), `[${i}]`).toBeLessThan(1e-5 * scale);
  });
});
