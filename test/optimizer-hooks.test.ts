// The base class's hooks for optimizers whose state is not laid out like their parameters:
// per-parameter buffer lengths (a row statistic of a matrix), scratch buffers (laid out and
// reserved with the state, never saved), an own check of each parameter, and prepare() for a
// class that overrides step().
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import type { Parameter } from '../src/memory/parameter.js';
import { Optimizer, type ParamsInput, type Run } from '../src/optim/optimizer.js';
import { bool, nonNegative } from '../src/validation/index.js';

interface RowOptions {
  lr?: number;
  maximize?: boolean;
}

/**
 * A toy: `rows` holds, per matrix row, the running sum of that row's gradients (shape[0] numbers
 * per parameter); `tmp` is scratch of twice the parameter's length; p ← p − lr·rows[row].
 */
class RowSum extends Optimizer<Required<RowOptions>> {
  constructor(params: ParamsInput<RowOptions>, options?: RowOptions) {
    super(params, options, { name: 'RowSum', defaults: { lr: 0.5, maximize: false }, schema: { lr: nonNegative, maximize: bool } });
  }
  protected bufferNames(): readonly string[] {
    return ['rows'];
  }
  protected scratchBuffers(): readonly string[] {
    return ['tmp'];
  }
  protected bufferLength(name: string, p: Parameter): number {
    return name === 'rows' ? p.shape[0]! : 2 * p.length;
  }
  protected checkParameter(p: Parameter, where: string): void {
    if (p.shape.length !== 2) throw new RangeError(`${where}: RowSum takes matrices, got shape [${p.shape.join(', ')}]`);
  }
  protected stepRun(o: Required<RowOptions>, run: Run): void {
    const a = this.engine.heap.f32;
    let rows = run.buffers.rows! >> 2;
    let tmp = run.buffers.tmp! >> 2;
    for (const p of run.params) {
      const [r, c] = p.shape as [number, number];
      const P = p.offset >> 2, G = p.gradOffset >> 2;
      for (let i = 0; i < r; i++) {
        let s = 0;
        for (let j = 0; j < c; j++) s += a[G + i * c + j]!;
        a[rows + i] = a[rows + i]! + s;
        for (let j = 0; j < c; j++) {
          a[tmp + i * c + j] = 99; // scratch: written, never seen in the state
          a[P + i * c + j] = a[P + i * c + j]! - o.lr * a[rows + i]!;
        }
      }
      rows += r;
      tmp += 2 * p.length;
    }
  }
  /** Exposes prepare() to the test. */
  plan() {
    return this.prepare('plan');
  }
}

let engine: Engine;
beforeEach(async () => {
  engine = await createEngine({ backend: 'js', initialBytes: 1 << 20 });
});
afterEach(() => engine.dispose());

describe('per-parameter buffer lengths and scratch buffers', () => {
  it('lay out each parameter’s slice with its own length, keep scratch out of the state, and round-trip', () => {
    const ps = engine.parameters([[2, 3], [3, 1], [1, 4]]);
    ps.forEach((p, t) => p.grad.set(Array.from({ length: p.length }, (_, i) => i + t)));
    const opt = new RowSum(ps);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state[0]!).sort()).toEqual(['rows', 'step']);
    expect(Array.from(sd.state[0]!.rows as Float32Array)).toEqual([0 + 1 + 2, 3 + 4 + 5]);
    expect(Array.from(sd.state[1]!.rows as Float32Array)).toEqual([1, 2, 3]);
    expect(Array.from(sd.state[2]!.rows as Float32Array)).toEqual([2 + 3 + 4 + 5]);
    // A second optimizer loaded from the first steps the same from then on.
    const qs = engine.parameters([[2, 3], [3, 1], [1, 4]]);
    qs.forEach((q, t) => (q.data.set(ps[t]!.data), q.grad.set(ps[t]!.grad)));
    const twin = new RowSum(qs);
    twin.loadStateDict(JSON.parse(JSON.stringify(sd)));
    opt.step();
    twin.step();
    ps.forEach((p, t) => expect(Array.from(qs[t]!.data)).toEqual(Array.from(p.data)));
    expect(twin.stateDict()).toEqual(opt.stateDict());
  });

  it('refuses a saved buffer of the parameter’s length where the slice is shorter, and scratch in a saved state', () => {
    const [p] = engine.parameters([[2, 3]]);
    const opt = new RowSum([p!]);
    expect(() => opt.loadStateDict({ state: { 0: { step: 1, rows: new Float32Array(6) } }, paramGroups: [{ lr: 0.5, maximize: false, params: [0] }] })).toThrow(RangeError);
    expect(() => opt.loadStateDict({ state: { 0: { step: 1, rows: [1, 2], tmp: new Float32Array(12) } }, paramGroups: [{ lr: 0.5, maximize: false, params: [0] }] })).toThrow(/unknown entry "tmp"/);
    opt.loadStateDict({ state: { 0: { step: 1, rows: [1, 2] } }, paramGroups: [{ lr: 0.5, maximize: false, params: [0] }] });
    expect(Array.from(opt.stateDict().state[0]!.rows as Float32Array)).toEqual([1, 2]);
  });

  it('moves a parameter’s slice with it when the group’s list is edited', () => {
    const ps = engine.parameters([[2, 2], [3, 1]]);
    ps.forEach((p) => p.grad.fill(1));
    const opt = new RowSum(ps);
    opt.step();
    opt.paramGroups[0]!.params.reverse();
    opt.step();
    const sd = opt.stateDict();
    expect(Array.from(sd.state[0]!.rows as Float32Array)).toEqual([2, 2, 2]);
    expect(Array.from(sd.state[1]!.rows as Float32Array)).toEqual([4, 4]);
  });
});

describe('checkParameter', () => {
  it('is asked about every parameter: at construction, addParamGroup, edited lists and loadStateDict', () => {
    const [m, v] = engine.parameters([[2, 2], 3]);
    expect(() => new RowSum([m!, v!])).toThrow(/param group 0: params\[1\]: RowSum takes matrices, got shape \[3\]/);
    const opt = new RowSum([m!]);
    expect(() => opt.addParamGroup({ params: [v!] })).toThrow(/params\[0\]: RowSum takes matrices/);
    opt.paramGroups[0]!.params.push(v!);
    expect(() => opt.step()).toThrow(/params\[1\]: RowSum takes matrices/);
    opt.paramGroups[0]!.params.pop();
    opt.step();
    expect(opt.stateDict().state[0]!.step).toBe(1);
  });
});

describe('prepare()', () => {
  it('validates and lays out like step() before its first write, and hands back each group’s options and runs', () => {
    const ps = engine.parameters([[1, 2], [2, 1]]);
    const opt = new RowSum([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.25 }]);
    const plans = opt.plan();
    expect(plans.map((p) => p.options.lr)).toEqual([0.5, 0.25]);
    expect(plans.map((p) => p.runs.map((r) => r.n))).toEqual([[2], [2]]);
    opt.paramGroups[1]!.lr = -1;
    expect(() => opt.plan()).toThrow(/plan: param group 1: lr must be/);
    opt.dispose();
    expect(() => opt.plan()).toThrow(/disposed/);
  });
});
