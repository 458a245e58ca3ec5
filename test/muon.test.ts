// Muon: the reference trajectories (test/fixtures/next, emulated from torch 2.11) within their
// tolerance on every backend; hand-computed steps; bfloat16 rounding; Newton–Schulz against a
// float64 iteration; matrices only; every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, state round trips for every optimizer: the contract suites.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Muon, type MuonOptions } from '../src/optim/muon.js';
import { bfloat16 } from '../src/reference/muon.js';
import idiomaticMuon, { benchShape } from '../src/cli/bench/idiomatic/muon.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, seededValues } from './helpers/backends.js';
import { nextCases } from './helpers/next-fixtures.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(8 << 20);
});

/** Runs `steps` gradients on matrices of `shapes` on one engine; returns the params after each step. */
function trajectory(e: Engine, shapes: readonly [number, number][], init: ArrayLike<number>[], grads: ArrayLike<number>[][], options: MuonOptions): Float32Array[][] {
  const ps = e.parameters(shapes.map((shape, t) => ({ shape: [...shape], data: Float32Array.from(init[t]!) })));
  const opt = new Muon(ps, options);
  try {
    return grads.map((gs) => {
      gs.forEach((g, t) => ps[t]!.grad.set(g));
      opt.step();
      return ps.map((p) => p.data.slice());
    });
  } finally {
    opt.dispose();
    ps.forEach((p) => p.dispose());
  }
}

/** The trajectory on every backend, checked bit for bit against the last (js); returns it. */
function everywhere(shapes: readonly [number, number][], init: ArrayLike<number>[], grads: ArrayLike<number>[][], options: MuonOptions): Float32Array[][] {
  const runs = all.map((e) => [e.backend, trajectory(e, shapes, init, grads, options)] as const);
  const [, ref] = runs[runs.length - 1]!;
  for (const [name, r] of runs.slice(0, -1)) r.forEach((ps, s) => ps.forEach((p, t) => expectBits(p, ref[s]![t]!, `${name} vs js: step ${s + 1}, tensor ${t}`)));
  return ref;
}

describe('Muon', () => {
  const cases = nextCases<MuonOptions>('muon', {});

  it('has the four reference cases', () => {
    expect(cases.map((c) => c.name)).toEqual(['muon/default', 'muon/weight_decay', 'muon/no_nesterov', 'muon/match_rms_adamw']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: within the fixture tolerance on every backend', (_name, c) => {
    const got = everywhere(c.shapes as [number, number][], c.params, c.grads, c.resolved);
    let worst = 0;
    got.forEach((ps, s) =>
      ps.forEach((p, t) =>
        c.expected[s]![t]!.forEach((e, i) => {
          const allowed = c.tolerance.abs + c.tolerance.rel * Math.abs(e);
          worst = Math.max(worst, Math.abs(p[i]! - e) / allowed);
        }),
      ),
    );
    // Measured: 0.044 of the tolerance at most (match_rms_adamw), 0.001 elsewhere.
    expect(worst).toBeLessThan(0.25);
  });

  it('bfloat16 rounding: nearest, ties to even, overflow to infinity, NaN quiet', () => {
    expect(bfloat16(0.6)).toBe(0.6015625); // 0x3F19999A → 0x3F1A
    expect(bfloat16(0.8)).toBe(0.80078125); // 0x3F4CCCCD → 0x3F4D
    expect(bfloat16(1 + 2 ** -8)).toBe(1); // tie, even below
    expect(bfloat16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6); // tie, even above
    expect(bfloat16(f(1 + 2 ** -8 + 2 ** -20))).toBe(1 + 2 ** -7); // above the tie
    expect(bfloat16(-3)).toBe(-3);
    expect(bfloat16(3.3895313892515355e38)).toBe(3.3895313892515355e38); // the largest bfloat16
    expect(bfloat16(f(3.4e38))).toBe(Infinity);
    expect(Object.is(bfloat16(-0), -0)).toBe(true);
    expect(bfloat16(NaN)).toBeNaN();
  });

  it('hand-computed first step (μ = 0, no decay, no iterations): p − lr·ratio·g/‖g‖, in bfloat16 or float32', () => {
    const base: MuonOptions = { lr: 1, momentum: 0, weightDecay: 0, nsSteps: 0 };
    const g = [[3, 4]];
    // [1, 2]: ratio √max(1, 1/2) = 1; g/‖g‖ = [0.6, 0.8], rounded to bfloat16 (0x3F1A, 0x3F4D).
    expectBits(everywhere([[1, 2]], [[0, 0]], [g], base)[0]![0]!, [-0.6015625, -0.80078125]);
    expectBits(everywhere([[1, 2]], [[0, 0]], [g], { ...base, nsDtype: 'float32' })[0]![0]!, [-f(0.6), -f(0.8)]);
    // [2, 1] is transposed inside and back: ratio √2; 'match_rms_adamw': 0.2·√2 either way.
    expectBits(everywhere([[2, 1]], [[0, 0]], [g], { ...base, nsDtype: 'float32' })[0]![0]!, [f(-f(Math.SQRT2) * f(0.6)), f(-f(Math.SQRT2) * f(0.8))]);
    const r = f(0.2 * Math.SQRT2);
    expectBits(everywhere([[1, 2]], [[1, 1]], [g], { ...base, nsDtype: 'float32', adjustLrFn: 'match_rms_adamw', weightDecay: 0.5 })[0]![0]!, [f(f(0.5) - f(r * f(0.6))), f(f(0.5) - f(r * f(0.8)))]);
  });

  it('one Newton–Schulz step on a 1×1 matrix: X = −1, A = 1, A ← c·1 + b·1, X ← A·X + a·X (float32)', () => {
    const opt: MuonOptions = { lr: 1, momentum: 0, weightDecay: 0, nsSteps: 1, nsDtype: 'float32' };
    // p = 0 − 1·X = (c + b) + a ≈ 0.701, in this order.
    expectBits(everywhere([[1, 1]], [[0]], [[[-2]]], opt)[0]![0]!, [f(f(f(2.0315) + f(-4.775)) + f(3.4445))]);
  });

  it('momentum and Nesterov: B = lerp(B, g, 1 − μ), U = lerp(g, B, μ), as torch', () => {
    // With 1×1 matrices and no iterations X = sign(U): the sign shows which of B and U was used.
    const opt: MuonOptions = { lr: 1, momentum: 0.9, weightDecay: 0, nsSteps: 0, nsDtype: 'float32' };
    // Step 1, g = 10: B = 1, U = 1 + 0.9·(10 − 1)… = 1.9 > 0. Step 2, g = −2: B = 0.9·1 − 0.2 = 0.7,
    // U = 0.9·0.7 − 0.2 = 0.43 > 0. Step 3, g = −6: B = 0.63 − 0.6 = 0.03 > 0, U = 0.027 − 0.6 < 0.
    const grads = [[[10]], [[-2]], [[-6]]];
    const nesterov = everywhere([[1, 1]], [[0]], grads, opt).map((ps) => ps[0]![0]!);
    const plain = everywhere([[1, 1]], [[0]], grads, { ...opt, nesterov: false }).map((ps) => ps[0]![0]!);
    [-1, -2, -1].forEach((v, s) => expect(nesterov[s]).toBeCloseTo(v, 5));
    [-1, -2, -3].forEach((v, s) => expect(plain[s]).toBeCloseTo(v, 5));
  });

  it('the iteration orthogonalizes: float32 agrees with a float64 Newton–Schulz to 1e-5, bfloat16 to 6e-2 (of the largest element; measured ≤ 1.3e-6 and ≤ 3.3e-2)', () => {
    for (const [r, c] of [[12, 20], [20, 12], [9, 9], [1, 7], [33, 5]] as const) {
      const g = seededValues(r * 100 + c, r * c, 3);
      const want = newtonSchulz64(Array.from(g), r, c);
      const opt: MuonOptions = { lr: 1, momentum: 0, weightDecay: 0, adjustLrFn: 'match_rms_adamw' };
      const scale = 0.2 * Math.sqrt(Math.max(r, c));
      for (const [dtype, tol] of [['float32', 1e-5], ['bfloat16', 6e-2]] as const) {
        const got = everywhere([[r, c]], [new Float32Array(r * c)], [[g]], { ...opt, nsDtype: dtype })[0]![0]!;
        const err = Math.max(...want.map((w, i) => Math.abs(-got[i]! / scale - w)));
        expect(err, `${r}×${c} ${dtype}`).toBeLessThan(tol * Math.max(...want.map(Math.abs)));
      }
    }
  });

  it('large matrices (SIMD blocks and tails), a zero gradient and an empty matrix: same bits on every backend', () => {
    const shapes: [number, number][] = [[37, 70], [70, 37], [0, 5], [4, 4], [1, 33], [33, 1]];
    const init = shapes.map(([r, c], t) => seededValues(t + 1, r * c));
    const grads = [0, 1, 2].map((s) => shapes.map(([r, c], t) => (t === 3 && s === 0 ? new Float32Array(r * c) : seededValues(10 * s + t, r * c, 10 ** (s - 1)))));
    for (const nsDtype of ['bfloat16', 'float32'] as const) {
      const out = everywhere(shapes, init, grads, { lr: 0.02, nsDtype });
      expect(out[2]!.every((p) => p.every(Number.isFinite))).toBe(true);
    }
    // A zero gradient on the first step moves p by the weight decay only (‖0‖ is clamped to ε: X = 0).
    const zero = everywhere([[4, 4]], [init[3]!], [[new Float32Array(16)]], { lr: 0.1 })[0]![0]!;
    expectBits(zero, Array.from(init[3]!, (x) => f(x * f(1 - 0.1 * 0.1))));
  });

  it('the benchmark’s idiomatic JS loop does the library’s update (float32 iteration: to float tolerance over 6 steps)', () => {
    const e = all[2]!;
    for (const n of [60, 37, 1024]) {
      const [r, c] = benchShape(n);
      const init = seededValues(n, n), grad = seededValues(n + 1, n, 2);
      const w = e.parameter({ shape: [r, c], data: init });
      const opt = new Muon([w], { nsDtype: 'float32', lr: 0.02 });
      const { params: _p, ...hyper } = opt.paramGroups[0]!;
      const p = Float32Array.from(init);
      const mine = idiomaticMuon(p, grad, hyper);
      for (let s = 0; s < 6; s++) {
        w.grad.set(grad);
        opt.step();
        mine.step();
      }
      w.data.forEach((x, i) => expect(Math.abs(x - p[i]!), `n = ${n} [${i}]`).toBeLessThanOrEqual(1e-6 + 1e-4 * Math.abs(x)));
      expect(w.data.some((x, i) => Math.abs(x - init[i]!) > 1e-3)).toBe(true);
      opt.dispose();
      w.dispose();
    }
  });

  it('refuses parameters that are not matrices, naming the parameter and its shape, and changes nothing', async () => {
    const e = all[2]!;
    const [w, b] = e.parameters([[3, 4], [4]]);
    expect(() => new Muon([w!, b!])).toThrow(/Muon: param group 0: params\[1\]: Muon takes 2-D parameters \(matrices\) only, got shape \[4\]/);
    expect(() => new Muon([{ params: [w!] }, { params: [e.parameter([2, 2, 2])] }])).toThrow(/param group 1: params\[0\].*got shape \[2, 2, 2\]/);
    const opt = new Muon([w!]);
    expect(() => opt.addParamGroup({ params: [b!] })).toThrow(/Muon.addParamGroup: params\[0\]: .*got shape \[4\]/);
    expect(opt.paramGroups.length).toBe(1);
    w!.grad.fill(1);
    const before = w!.data.slice();
    opt.paramGroups[0]!.params.push(b!);
    expect(() => opt.step()).toThrow(/Muon.step: param group 0: params\[1\]: .*got shape \[4\]/);
    expectBits(w!.data, before);
    opt.paramGroups[0]!.params.pop();
    opt.step();
    expect(Object.keys(opt.stateDict().state[0]!)).toEqual(['step', 'momentum_buffer']);
    opt.dispose();
  });

  it('validates its options (torch’s checks, and the dtype and coefficient list)', () => {
    const [w] = all[2]!.parameters([[2, 3]]);
    const bad: Array<[MuonOptions, RegExp]> = [
      [{ lr: -1 }, /lr must be >= 0/],
      [{ momentum: -0.1 }, /momentum must be >= 0/],
      [{ weightDecay: -1 }, /weightDecay must be >= 0/],
      [{ nsSteps: 100 }, /nsSteps must be <= 99/],
      [{ nsSteps: 2.5 }, /nsSteps must be an integer/],
      [{ nsCoefficients: [1, 2] as unknown as [number, number, number] }, /nsCoefficients must have 3 elements/],
      [{ nsCoefficients: [1, 2, NaN] }, /nsCoefficients\[2\] must be finite/],
      [{ adjustLrFn: 'rms' as 'original' }, /adjustLrFn must be one of null, 'original', 'match_rms_adamw', got .rms./],
      [{ nsCoefficients: [0, -4.775, 2.0315] }, /nsCoefficients\[0\] \(a, the slope at 0\) must be > 0, got 0/],
      [{ nsDtype: 'float16' as 'float32' }, /nsDtype must be one of 'bfloat16', 'float32', got .float16./],
      [{ nesterov: 1 as unknown as boolean }, /nesterov must be a boolean/],
    ];
    for (const [o, msg] of bad) expect(() => new Muon([w!], o), JSON.stringify(o)).toThrow(msg);
    expect(new Muon([w!], { adjustLrFn: null }).defaults.adjustLrFn).toBeNull();
  });
});

/** Newton–Schulz in float64 on an R×C matrix (row-major), torch's algorithm without rounding. */
function newtonSchulz64(g: number[], rows: number, cols: number, steps = 5): number[] {
  const [a, b, c] = [3.4445, -4.775, 2.0315];
  const tr = rows > cols;
  const m = tr ? cols : rows, k = tr ? rows : cols;
  const nrm = Math.max(Math.sqrt(g.reduce((s, x) => s + x * x, 0)), 1e-7);
  let X = Array.from({ length: m * k }, (_, i) => (tr ? g[(i % k) * cols + Math.floor(i / k)]! : g[i]!) / nrm);
  const mul = (P: number[], Q: number[], n: number, inner: number, q: number): number[] =>
    Array.from({ length: n * q }, (_, i) => {
      let s = 0;
      for (let z = 0; z < inner; z++) s += P[Math.floor(i / q) * inner + z]! * Q[z * q + (i % q)]!;
      return s;
    });
  const T = (P: number[], n: number, q: number): number[] => Array.from({ length: n * q }, (_, i) => P[(i % n) * q + Math.floor(i / n)]!);
  for (let s = 0; s < steps; s++) {
    const A = mul(X, T(X, m, k), m, k, m);
    const B = mul(A, A, m, m, m).map((v, i) => c * v + b * A[i]!);
    X = mul(B, X, m, m, k).map((v, i) => v + a * X[i]!);
  }
  return tr ? T(X, m, k) : X;
}

