// The optimizer's edges: closures that dispose or allocate, param lists edited between steps,
// out of memory in the middle of a layout, state dicts from JSON and from hostile hands. Each
// rejected call must leave every byte of memory and every hyperparameter as it was.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Adam, createEngine, type Engine, NAdam, type Parameter, SGD, StepLR } from '../src/index.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { expectRefusal, firstBitDifference, memoryWords } from './helpers/lockstep.js';

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ backend: 'simd', initialBytes: 1 << 20 });
});
afterEach(() => engine.dispose());

function fillParams(ps: Parameter[]): void {
  ps.forEach((p, i) => {
    p.data.set(Array.from({ length: p.length }, (_, k) => Math.sin(k + i)));
    p.grad.set(Array.from({ length: p.length }, (_, k) => Math.cos(k * i + 1)));
  });
}

/** The engine's memory as float32 words: all of it, or its first `words`. */
const memory = (words?: number) => memoryWords(engine, 0, words === undefined ? engine.memory.buffer.byteLength : words << 2);

/** Expects `fn` to throw `cls` matching `pattern` with memory and `opt`'s state unchanged. */
function refuses(opt: Optimizer<object>, fn: () => unknown, cls: typeof TypeError | typeof RangeError, pattern: RegExp): void {
  const state = opt.disposed ? undefined : opt.stateDict();
  expectRefusal(fn, cls, pattern, memory);
  if (state) expect(opt.stateDict()).toEqual(state);
}

describe('step(closure) that changes the world', () => {
  it('refuses when the closure disposed a parameter and a new allocation reused its block', () => {
    const [p, keep] = [engine.parameter(8), engine.parameter(4)];
    fillParams([p!, keep!]);
    const opt = new Adam([p!, keep!], { lr: 0.1 });
    opt.step();
    let q: Parameter | undefined;
    const before = memory();
    expect(() =>
      opt.step(() => {
        p!.dispose();
        q = engine.parameter(8); // may take p's block
        q.data.fill(7);
        return 1;
      }),
    ).toThrow(/Adam\.step: a parameter has been disposed/);
    expect(Array.from(q!.data)).toEqual(new Array(8).fill(7));
    // Nothing but q's own bytes changed.
    const after = memory();
    const qFrom = q!.offset >> 2;
    const qGradFrom = q!.gradOffset >> 2;
    for (let i = 0; i < before.length; i++) {
      if ((i >= qFrom && i < qFrom + 8) || (i >= qGradFrom && i < qGradFrom + 8)) continue;
      if (before[i] !== after[i]) expect.fail(`word ${i} changed outside the new parameter`);
    }
  });

  it('refuses with a clear error when the closure disposed the optimizer', () => {
    const p = engine.parameter(4);
    const opt = new SGD([p], { lr: 0.1 });
    expect(() => opt.step(() => (opt.dispose(), 1))).toThrow(/SGD\.step: the optimizer has been disposed/);
  });

  it('refuses with a clear error when the closure disposed the engine', () => {
    const p = engine.parameter(4);
    const opt = new SGD([p], { lr: 0.1 });
    expect(() => opt.step(() => (engine.dispose(), 1))).toThrow(/SGD\.step: the engine has been disposed/);
  });

  it('refuses a closure that returns a Promise, before any update', () => {
    const ps = engine.parameters([5, 3]);
    fillParams(ps);
    const opt = new Adam(ps, { lr: 0.1 });
    opt.step();
    refuses(opt as Optimizer<object>, () => opt.step((async () => 1) as unknown as () => number), TypeError, /closure returned a Promise.*synchronous/);
  });

  it('returns the loss of a synchronous closure and steps once', () => {
    const p = engine.parameter(new Float32Array([1, 2]));
    const opt = new SGD([p], { lr: 0.5 });
    const loss = opt.step(() => {
      p.grad.set([1, 1]);
      return 3;
    });
    expect(loss).toBe(3);
    expect(Array.from(p.data)).toEqual([0.5, 1.5]);
  });
});

describe('param lists edited between steps', () => {
  /** An optimizer over `a` (group 0) and `b` (group 1), stepped twice. */
  function setup() {
    const [a, b, c, d] = engine.parameters([4, 3, 3, 2]);
    fillParams([a!, b!, c!, d!]);
    const opt = new Adam([{ params: [a!] }, { params: [b!], lr: 0.05 }], { lr: 0.1 });
    opt.step();
    opt.step();
    return { a: a!, b: b!, c: c!, d: d!, opt };
  }

  it('push: the new parameter is stepped with fresh state, the others keep theirs', () => {
    const { a, b, c, opt } = setup();
    const aBefore = a.data.slice();
    const cBefore = c.data.slice();
    opt.paramGroups[1]!.params.push(c);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1, 2]]);
    expect(sd.state[0]!.step).toBe(3);
    expect(sd.state[1]!.step).toBe(3);
    expect(sd.state[2]!.step).toBe(1);
    expect(a.data).not.toEqual(aBefore);
    expect(c.data).not.toEqual(cBefore);
    // c's first step equals a fresh Adam's first step with group 1's options.
    const [c2] = engine.parameters([new Float32Array(cBefore)]);
    c2!.grad.set(c.grad);
    new Adam([c2!], { lr: 0.05 }).step();
    expect(Array.from(c.data)).toEqual(Array.from(c2!.data));
    expect(b.disposed).toBe(false);
  });

  it('replace: the listed parameter is stepped, the replaced one is left alone', () => {
    const { b, d, opt } = setup();
    const [e] = engine.parameters([3]);
    fillParams([e!]);
    const bBefore = b.data.slice();
    const eBefore = e!.data.slice();
    opt.paramGroups[1]!.params[0] = e!;
    opt.step();
    expect(b.data).toEqual(bBefore);
    expect(e!.data).not.toEqual(eBefore);
    expect(opt.stateDict().state[1]!.step).toBe(1);
    expect(d.disposed).toBe(false);
  });

  it('splice: a removed parameter is no longer stepped; a parameter moved between groups keeps its state', () => {
    const { a, b, opt } = setup();
    const sd0 = opt.stateDict();
    opt.paramGroups[1]!.params.splice(0, 1);
    opt.paramGroups[0]!.params.push(b);
    const bBefore = b.data.slice();
    opt.step();
    expect(b.data).not.toEqual(bBefore);
    const sd = opt.stateDict();
    // b keeps its step count and moments from group 1, now stepped with group 0's lr.
    expect(sd.state[1]!.step).toBe(3);
    expect(sd0.state[1]!.step).toBe(2);
    expect(a.disposed).toBe(false);
  });

  it('refuses a list holding something that is not a parameter, a disposed one, or a duplicate, changing nothing', () => {
    const { a, c, opt } = setup();
    const g = opt.paramGroups[1]!.params;
    g.push({} as Parameter);
    refuses(opt as Optimizer<object>, () => opt.step(), TypeError, /param group 1: params must hold Parameter objects/);
    g.pop();
    g.push(a);
    refuses(opt as Optimizer<object>, () => opt.step(), TypeError, /appears more than once/);
    g.pop();
    c.dispose();
    g.push(c);
    const before = memory();
    expect(() => opt.step()).toThrow(/Adam\.step: a parameter has been disposed/);
    expect(firstBitDifference(before, memory()), 'memory changed').toBe(-1);
    g.pop();
    expect(() => opt.step()).not.toThrow();
  });

  it('a parameter removed from its group may be disposed before the next step', () => {
    const { a, b, opt } = setup();
    opt.paramGroups[1]!.params.splice(0, 1);
    b.dispose();
    const aBefore = a.data.slice();
    expect(() => opt.step()).not.toThrow();
    expect(a.data).not.toEqual(aBefore);
    expect(opt.stateDict().state[0]!.step).toBe(3);
  });

  it('refuses groups added by editing paramGroups itself, pointing at addParamGroup()', () => {
    const { c, opt } = setup();
    opt.paramGroups.push({ ...opt.paramGroups[0]!, params: [c] });
    refuses(opt as Optimizer<object>, () => opt.step(), TypeError, /addParamGroup/);
  });
});

describe('out of memory is all-or-nothing', () => {
  it('a constructor whose state does not fit takes nothing', async () => {
    const small = await createEngine({ backend: 'simd', initialBytes: 1 << 16, maximumBytes: 1 << 18 });
    const ps = small.parameters([12000, 12000]);
    const inUse = small.arena.bytesInUse;
    const bytes = small.memory.buffer.byteLength;
    expect(() => new Adam([{ params: [ps[0]!] }, { params: [ps[1]!] }], { amsgrad: true })).toThrow(RangeError);
    expect(small.arena.bytesInUse).toBe(inUse);
    expect(small.memory.buffer.byteLength).toBe(bytes);
    small.dispose();
  });

  it('loadStateDict that cannot reserve the new state changes nothing and the next step works', async () => {
    const small = await createEngine({ backend: 'simd', initialBytes: 1 << 16, maximumBytes: 1 << 18 });
    const ps = small.parameters([14000]);
    fillParams(ps);
    const opt = new Adam(ps, { lr: 0.01 });
    opt.step();
    const target = opt.stateDict();
    target.paramGroups[0]!.amsgrad = true; // needs a third buffer, which does not fit under the cap
    const inUse = small.arena.bytesInUse;
    const before = memoryWords(small, 0, small.memory.buffer.byteLength);
    const state = opt.stateDict();
    expect(() => opt.loadStateDict(target)).toThrow(RangeError);
    expect(firstBitDifference(before, memoryWords(small, 0, small.memory.buffer.byteLength))).toBe(-1);
    expect(small.arena.bytesInUse).toBe(inUse);
    expect(opt.stateDict()).toEqual(state);
    expect(opt.paramGroups[0]!.amsgrad).toBe(false);
    expect(() => opt.step()).not.toThrow();
    small.dispose();
  });
});

describe('loadStateDict refuses what would alias or corrupt state', () => {
  function stepped() {
    const ps = engine.parameters([3, 2]);
    fillParams(ps);
    const opt = new Adam(ps, { lr: 0.01 });
    opt.step();
    return opt;
  }

  it.each(['', ' 1', '0x1', '01', '1.0', '-0', '1e0'])('state key %j is not a parameter index', (key) => {
    const opt = stepped();
    const sd = opt.stateDict();
    const state: Record<string, unknown> = { 1: sd.state[1] };
    state[key] = sd.state[0];
    refuses(opt as Optimizer<object>, () => opt.loadStateDict({ ...sd, state } as never), RangeError, /no parameter with that index/);
  });

  it.each([
    ['a string', (b: number[]) => ((b as unknown[])[1] = '0.5'), /exp_avg\[1\] must be a number, got "0.5"/],
    ['an object', (b: number[]) => ((b as unknown[])[0] = {}), /exp_avg\[0\] must be a number/],
    ['a hole', (b: number[]) => delete b[2], /exp_avg\[2\] must be a number, got a hole/],
    ['null (NaN after JSON)', (b: number[]) => ((b as unknown[])[0] = null), /JSON cannot hold NaN/],
  ])('a buffer holding %s', (_what, spoil, pattern) => {
    const opt = stepped();
    const sd = JSON.parse(JSON.stringify(opt.stateDict()));
    sd.state[0].exp_avg = Object.values(sd.state[0].exp_avg); // as a number array
    spoil(sd.state[0].exp_avg);
    refuses(opt as Optimizer<object>, () => opt.loadStateDict(sd), TypeError, pattern);
  });

  it.each([1.5, -0.1, Number.NaN])('NAdam mu_product %s', (mp) => {
    const ps = engine.parameters([3]);
    fillParams(ps);
    const opt = new NAdam(ps);
    opt.step();
    const sd = opt.stateDict();
    sd.state[0]!.mu_product = mp;
    refuses(opt as Optimizer<object>, () => opt.loadStateDict(sd), mp === mp ? RangeError : TypeError, /mu_product/);
  });

  it('keeps initialLr, so a scheduler resumed after loading uses the run\'s base lr', () => {
    const [p] = engine.parameters([4]);
    const opt = new SGD([p!], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    opt.step();
    sched.step();
    opt.step();
    sched.step();
    const saved = JSON.parse(JSON.stringify({ opt: opt.stateDict(), sched: sched.stateDict() }));
    const [q] = engine.parameters([4]);
    const opt2 = new SGD([q!], { lr: 0.1 });
    opt2.loadStateDict(saved.opt);
    expect(opt2.paramGroups[0]!.lr).toBeCloseTo(0.025, 15);
    expect((opt2.paramGroups[0] as { initialLr?: number }).initialLr).toBe(0.1);
    // Resuming by lastEpoch needs each group's initialLr (the base lr), as in torch.
    new StepLR(opt2, { stepSize: 1, gamma: 0.5, lastEpoch: 2 });
    opt.step();
    sched.step();
    expect(opt2.paramGroups[0]!.lr).toBe(opt.paramGroups[0]!.lr);
  });
});

describe('a buffer the optimizer had not made yet', () => {
  it('is absent from the state dict and made at the next step, after loading as without', () => {
    // SGD without momentum has no momentum buffer; a scheduler (or the user) turns momentum on.
    const run = (load: boolean) => {
      const [p] = engine.parameters([new Float32Array([1, -2, 3])]);
      p!.grad.set([0.5, 0.25, -1]);
      let opt = new SGD([p!], { lr: 0.1 });
      opt.step();
      opt.paramGroups[0]!.momentum = 0.9;
      if (load) {
        const sd = JSON.parse(JSON.stringify(opt.stateDict()));
        expect(Object.keys(sd.state[0])).toEqual(['step']);
        opt = new SGD([p!], { lr: 0.1 });
        opt.loadStateDict(sd);
      }
      opt.step();
      opt.step();
      return Array.from(p!.data);
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('state dicts through JSON', () => {
  it('load back with the same bits and step on identically', () => {
    const ps = engine.parameters([5, 3]);
    fillParams(ps);
    const a = new Adam(ps, { lr: 0.01, amsgrad: true });
    a.step();
    a.step();
    const json = JSON.parse(JSON.stringify(a.stateDict()));
    const qs = engine.parameters([5, 3]);
    qs.forEach((q, i) => (q.data.set(ps[i]!.data), q.grad.set(ps[i]!.grad)));
    const b = new Adam(qs, { lr: 0.01, amsgrad: true });
    b.loadStateDict(json);
    expect(b.stateDict()).toEqual(a.stateDict());
    a.step();
    b.step();
    ps.forEach((p, i) => expect(Array.from(qs[i]!.data)).toEqual(Array.from(p.data)));
  });
});

describe('plain arrays where parameters belong', () => {
  it('says how to make parameters', () => {
    expect(() => new Adam([new Float32Array(4) as unknown as Parameter])).toThrow(/params\[0\] is a Float32Array, not a Parameter.*bindArrays\(engine, arrays\).*engine\.parameters/);
  });
});

describe('hostile state dicts and group lists', () => {
  function stepped() {
    const ps = engine.parameters([4]);
    fillParams(ps);
    const opt = new Adam(ps, { lr: 0.5 });
    opt.step();
    opt.step();
    return opt;
  }

  it('refuses a state without a buffer the options always need (only optional ones may be absent)', () => {
    const opt = stepped();
    const d = opt.stateDict();
    delete (d.state[0] as Record<string, unknown>).exp_avg;
    refuses(opt as Optimizer<object>, () => opt.loadStateDict(d), TypeError, /state\[0\]\.exp_avg must be a Float32Array.*missing/);
  });

  it('refuses a Map as state instead of wiping the state', () => {
    const opt = stepped();
    const d = opt.stateDict();
    refuses(opt as Optimizer<object>, () => opt.loadStateDict({ ...d, state: new Map([[0, d.state[0]]]) } as never), TypeError, /state must be an object.*got a Map/);
  });

  it('keeps paramGroups itself read-only, and names a broken group in stateDict()', () => {
    const opt = stepped();
    expect(() => {
      (opt as { paramGroups: unknown }).paramGroups = [];
    }).toThrow(TypeError);
    expect(opt.paramGroups).toHaveLength(1);
    (opt.paramGroups as unknown[]).push(5);
    expect(() => opt.stateDict()).toThrow(/Adam\.stateDict: param group 1: expected \{ params/);
    expect(() => opt.step()).toThrow(/addParamGroup/);
  });
});

describe('array options of any length are watched element by element', () => {
  it('an in-place edit of the third beta of Adan is validated at the next step, and an unchanged group is not re-read', async () => {
    const { Adan } = await import('../src/index.js');
    const [p] = engine.parameters([8]);
    p!.grad.fill(0.5);
    const opt = new Adan([p!], { lr: 0.01 });
    opt.step();
    const betas = opt.paramGroups[0]!.betas as number[];
    betas[2] = 1.5;
    refuses(opt as unknown as Optimizer<object>, () => opt.step(), RangeError, /betas/);
    betas[2] = 0.99;
    opt.step();
    expect(opt.stateDict().state[0]!.step).toBe(2);
    // Same elements as validated: the plan stands (no re-validation needed).
    const { pairsOf, samePairs } = await import('../src/optim/groups.js');
    const pairs = pairsOf({ betas: [0.98, 0.92, 0.99], eps: [null, 1e-3], z: [0, -0] });
    expect(samePairs(pairs)).toBe(true);
    (pairs[2]![0] as number[])[1] = 0;
    expect(samePairs(pairs)).toBe(false); // −0 → +0 is a change
    (pairs[2]![0] as number[])[1] = -0;
    (pairs[0]![0] as number[]).push(1);
    expect(samePairs(pairs)).toBe(false);
  });
});
