// Learning-rate schedulers: torch 2.11 trajectories, per-group lrs, momentum cycling, state round
// trips, ReduceLROnPlateau's bookkeeping, and bad input that must leave everything untouched.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildScheduler, runSchedulerCase, runSchedulerConformance, type SchedulerData } from '../src/cli/conformance/schedulers.js';
import { createEngine } from '../src/engine.js';
import { Adam, SGD } from '../src/index.js';
import {
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiplicativeLR,
  MultiStepLR,
  OneCycleLR,
  PolynomialLR,
  ReduceLROnPlateau,
  type SchedulableOptimizer,
  type Scheduler,
  SequentialLR,
  StepLR,
  warmupCosine,
} from '../src/schedule/index.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/schedulers.json', import.meta.url), 'utf8')) as SchedulerData;

type Group = { lr: number; momentum?: number; betas?: [number, number] };
const plain = (...groups: Group[]): { paramGroups: Group[] } => ({ paramGroups: groups });
const lrs = (o: SchedulableOptimizer): number[] => o.paramGroups.map((g) => g.lr);
/** Everything a scheduler may touch on the groups, including non-enumerable entries. */
const snapshot = (o: SchedulableOptimizer) => o.paramGroups.map((g) => ({ ...g, initialLr: g.initialLr, has: 'initialLr' in g }));

describe('torch 2.11 trajectories (schedulers.json)', () => {
  it('holds the 15 public cases and passes them all', () => {
    expect(fixture.cases).toHaveLength(15);
    const results = runSchedulerConformance(fixture);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expect(runSchedulerCase(c, fixture.plateau_metrics)).toEqual([]);
  });

  it('fails a case whose numbers are off by more than 1e-9 relative', () => {
    const c = fixture.cases[0]!;
    const bad = { ...c, lrs: c.lrs.map((x, k) => (k === 4 ? x * (1 + 2e-9) : x)) };
    expect(runSchedulerCase(bad)).toEqual([expect.stringContaining('step 4')]);
  });
});

describe('per-group lrs', () => {
  const make: Array<[string, (o: SchedulableOptimizer) => Scheduler]> = [
    ['StepLR', (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
    ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 5, etaMin: 0.001 })],
    ['LinearLR', (o) => new LinearLR(o, { startFactor: 0.25, totalIters: 3 })],
    ['CosineAnnealingWarmRestarts', (o) => new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2 })],
    ['warmupCosine', (o) => warmupCosine(o, { warmupSteps: 3, totalSteps: 10, minLr: 1e-4 })],
  ];
  it.each(make)('%s moves each group from its own base lr, as if it were alone', (_n, f) => {
    const both = plain({ lr: 0.1, momentum: 0.9 }, { lr: 0.03, momentum: 0.5 });
    const one = [plain({ lr: 0.1, momentum: 0.9 }), plain({ lr: 0.03, momentum: 0.5 })];
    const s = f(both) as LRScheduler;
    const ss = one.map((o) => f(o) as LRScheduler);
    for (let k = 0; k < 12; k++) {
      expect(lrs(both)).toEqual(one.map((o) => o.paramGroups[0]!.lr));
      expect(s.getLastLr()).toEqual(lrs(both));
      s.step();
      ss.forEach((x) => x.step());
    }
  });

  it('takes one value per group where torch takes lists', () => {
    const o = plain({ lr: 1, momentum: 0.9 }, { lr: 1, momentum: 0.9 });
    new CyclicLR(o, { baseLr: [0.01, 0.1], maxLr: [0.02, 0.3], stepSizeUp: 2, baseMomentum: [0.8, 0.7], maxMomentum: [0.9, 0.95] });
    expect(lrs(o)).toEqual([0.01, 0.1]);
    expect(o.paramGroups.map((g) => g.momentum)).toEqual([0.9, 0.95]);
    const p = plain({ lr: 1, momentum: 0.9 }, { lr: 1, momentum: 0.9 });
    const s = new OneCycleLR(p, { maxLr: [0.25, 2.5], totalSteps: 10, cycleMomentum: false });
    lrs(p).forEach((x, i) => expect(x).toBeCloseTo([0.01, 0.1][i]!, 15));
    expect(s.minLrs).toEqual([0.01 / 1e4, 0.1 / 1e4]);
    const q = plain({ lr: 0.2 }, { lr: 0.1 });
    const l = new LambdaLR(q, { lrLambda: [(e) => e + 1, () => 0.5] });
    l.step();
    expect(lrs(q)).toEqual([0.4, 0.05]);
  });
});

describe('OneCycleLR momentum cycling', () => {
  // totalSteps 10, pctStart 0.3: phase 1 is steps 0..2 (end_step 0.3·10 − 1 = 2), phase 2 steps 2..9.
  it('cycles momentum inversely to the lr (linear anneal)', () => {
    const o = plain({ lr: 0.1, momentum: 0 });
    const s = new OneCycleLR(o, { maxLr: 1, totalSteps: 10, annealStrategy: 'linear', baseMomentum: 0.8, maxMomentum: 0.9 });
    const mom: number[] = [];
    const lr: number[] = [];
    for (let k = 0; k < 10; k++) {
      if (k) s.step();
      mom.push(o.paramGroups[0]!.momentum!);
      lr.push(o.paramGroups[0]!.lr);
    }
    // Up: 0.9 → 0.85 → 0.8 while the lr goes 0.04 → 0.52 → 1; down over 7 steps: +0.1/7 per step.
    const down = [1, 2, 3, 4, 5, 6, 7].map((j) => 0.8 + (0.1 * j) / 7);
    [0.9, 0.85, 0.8, ...down].forEach((m, k) => expect(mom[k]).toBeCloseTo(m, 14));
    const final = 0.04 / 1e4;
    [0.04, 0.52, 1, ...[1, 2, 3, 4, 5, 6, 7].map((j) => 1 + ((final - 1) * j) / 7)].forEach((x, k) => expect(lr[k]).toBeCloseTo(x, 14));
    // Step 10 extrapolates the last linear phase past its end (as torch does) to a negative lr,
    // which is refused before any group is written; the schedule stays at step 9.
    expect(() => s.step()).toThrow(/the lr computed for param group 0 is -0\.14\d*; an lr must be >= 0/);
    expect(s.lastEpoch).toBe(9);
    expect(o.paramGroups[0]!.lr).toBe(lr[9]);
    // With the cosine anneal the lr stays >= 0, and stepping past totalSteps is what is refused.
    const c = plain({ lr: 0.1, momentum: 0 });
    const sc = new OneCycleLR(c, { maxLr: 1, totalSteps: 10 });
    for (let k = 1; k < 10; k++) sc.step();
    expect(() => (sc.step(), sc.step())).toThrow(RangeError); // step 11 > totalSteps
    expect(sc.lastEpoch).toBe(10);
  });

  it('cycles betas[0] of an Adam-like optimizer and keeps betas[1] (cos anneal, three phases)', () => {
    const o = { defaults: { betas: [0.9, 0.999] }, paramGroups: [{ lr: 0.1, betas: [0.9, 0.999] as [number, number] }] };
    const s = new OneCycleLR(o, { maxLr: 1, totalSteps: 10, threePhase: true, pctStart: 0.3 });
    const b1: number[] = [o.paramGroups[0]!.betas[0]];
    for (let k = 1; k < 10; k++) (s.step(), b1.push(o.paramGroups[0]!.betas[0]));
    // Phases end at steps 2, 4 and 9: 0.95 → 0.85 (cos), back to 0.95 by step 4, then held at 0.95.
    const c = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    expect(b1[0]).toBe(0.95);
    expect(b1[1]).toBeCloseTo(0.9, 14);
    expect(b1[2]).toBe(0.85);
    expect(b1[3]).toBeCloseTo(c(0.85, 0.95, 0.5), 14);
    expect(b1.slice(4)).toEqual([0.95, 0.95, 0.95, 0.95, 0.95, 0.95]);
    expect(o.paramGroups[0]!.betas[1]).toBe(0.999);
    expect('momentum' in o.paramGroups[0]!).toBe(false);
  });

  it('drives the library optimizers (SGD momentum, Adam betas) without upsetting their checks', async () => {
    const engine = await createEngine({ backend: 'js', initialBytes: 1 << 20 });
    const [w] = engine.parameters([[3]]);
    const sgd = new SGD([w!], { lr: 0.1, momentum: 0.9 });
    const adam = new Adam([w!], { lr: 0.1 });
    const a = new OneCycleLR(sgd, { maxLr: 0.5, totalSteps: 6 });
    const b = new CyclicLR(adam, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
    expect(sgd.paramGroups[0]!.momentum).toBe(0.95);
    expect(adam.paramGroups[0]!.betas).toEqual([0.9, 0.999]);
    for (let k = 0; k < 5; k++) {
      w!.grad.fill(0.5);
      sgd.step();
      adam.step();
      a.step();
      b.step();
    }
    expect((sgd as SchedulableOptimizer).paramGroups[0]!.initialLr).toBe(0.02);
    // Kept in the state dict as torch keeps initial_lr in param_groups, but never among the options.
    expect(sgd.stateDict().paramGroups[0]!.initialLr).toBe(0.02);
    expect(Object.keys(sgd.paramGroups[0]!)).not.toContain('initialLr');
    expect(adam.paramGroups[0]!.betas[0]).toBeCloseTo(0.85, 14); // step 5 of a 4-step cycle: 1 step up
    expect(Number.isFinite(w!.data[0]!)).toBe(true);
    engine.dispose();
  });
});

type Factory = (o: SchedulableOptimizer) => Scheduler;
const ROUND_TRIP: Array<[string, Factory]> = [
  ['StepLR', (o) => new StepLR(o, { stepSize: 3 })],
  ['MultiStepLR', (o) => new MultiStepLR(o, { milestones: [2, 4, 4], gamma: 0.5 })],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.9 })],
  ['ConstantLR', (o) => new ConstantLR(o, { factor: 0.5, totalIters: 6 })],
  ['LinearLR', (o) => new LinearLR(o, { startFactor: 0.1, totalIters: 8 })],
  ['PolynomialLR', (o) => new PolynomialLR(o, { totalIters: 9, power: 2 })],
  ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 4, etaMin: 0.001 })],
  ['CosineAnnealingWarmRestarts', (o) => new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2 })],
  ['LambdaLR', (o) => new LambdaLR(o, { lrLambda: (e) => 1 / (e + 1) })],
  ['MultiplicativeLR', (o) => new MultiplicativeLR(o, { lrLambda: () => 0.9 })],
  ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: 0.5, totalSteps: 20, threePhase: true })],
  ['CyclicLR', (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, stepSizeDown: 2, mode: 'exp_range', gamma: 0.95 })],
  ['SequentialLR', (o) => new SequentialLR(o, { schedulers: [new LinearLR(o, { totalIters: 4 }), new CosineAnnealingLR(o, { tMax: 6 })], milestones: [4] })],
  ['ChainedScheduler', (o) => new ChainedScheduler([new ConstantLR(o, { factor: 0.5, totalIters: 5 }), new ExponentialLR(o, { gamma: 0.9 })])],
  ['warmupCosine', (o) => warmupCosine(o, { warmupSteps: 4, totalSteps: 18 })],
  ['ReduceLROnPlateau', (o) => new ReduceLROnPlateau(o, { patience: 1, cooldown: 1, factor: 0.5 })],
];
const metric = (k: number) => [1, 0.9, 0.95, 0.95, 0.96, 0.8, 0.85, 0.85][k % 8]!;
const advance = (s: Scheduler, k: number) => (s instanceof ReduceLROnPlateau ? s.step(metric(k)) : (s as LRScheduler).step());

describe('stateDict / loadStateDict', () => {
  it.each(ROUND_TRIP)('%s: restored mid-schedule (through JSON) continues identically', (_n, make) => {
    const oa = plain({ lr: 0.1, momentum: 0.9 }, { lr: 0.05, momentum: 0.8 });
    const a = make(oa);
    for (let k = 0; k < 7; k++) advance(a, k);
    const json = JSON.stringify(a.stateDict());
    const ob = plain({ lr: 0.1, momentum: 0.9 }, { lr: 0.05, momentum: 0.8 });
    const b = make(ob);
    // The optimizer's own checkpoint carries the current lrs (and momenta), as in torch.
    ob.paramGroups.forEach((g, i) => Object.assign(g, { lr: oa.paramGroups[i]!.lr, momentum: oa.paramGroups[i]!.momentum }));
    b.loadStateDict(JSON.parse(json));
    expect(b.stateDict()).toEqual(a.stateDict());
    for (let k = 7; k < 19; k++) {
      advance(a, k);
      advance(b, k);
      expect(ob.paramGroups).toEqual(oa.paramGroups);
      expect(b.getLastLr()).toEqual(a.getLastLr());
      expect(b.lastEpoch).toBe(a.lastEpoch);
    }
  });

  it('refuses a bad state dict and keeps its own', () => {
    const o = plain({ lr: 0.1 });
    const s = new StepLR(o, { stepSize: 3 });
    s.step();
    const before = s.stateDict();
    const bad: unknown[] = [
      null,
      { ...before, type: 'ExponentialLR' },
      { ...before, stepSize: 0 },
      { ...before, gamma: 'x' },
      { ...before, baseLrs: [0.1, 0.2] },
      { ...before, extra: 1 },
      (({ lastEpoch: _, ...r }) => r)(before),
      { ...before, lastEpoch: 1.5 },
    ];
    for (const d of bad) {
      expect(() => s.loadStateDict(d as never)).toThrow(/StepLR\.loadStateDict/);
      expect(s.stateDict()).toEqual(before);
    }
    const seq = new SequentialLR(o, { schedulers: [new ConstantLR(o), new ExponentialLR(o, { gamma: 0.5 })], milestones: [2] });
    const good = seq.stateDict();
    const broken = structuredClone(good);
    (broken.schedulers as Array<Record<string, unknown>>)[1]!.gamma = -1;
    expect(() => seq.loadStateDict(broken)).toThrow(/schedulers\[1\].*gamma/);
    expect(seq.stateDict()).toEqual(good);
    const p = new ReduceLROnPlateau(o);
    expect(() => p.loadStateDict({ ...p.stateDict(), best: NaN })).toThrow(TypeError);
    expect(JSON.parse(JSON.stringify(p.stateDict())).best).toBe('Infinity');
  });
});

describe('ReduceLROnPlateau', () => {
  it('min mode, rel threshold, patience, cooldown and minLr, traced by hand', () => {
    const o = plain({ lr: 1 });
    const s = new ReduceLROnPlateau(o, { factor: 0.5, patience: 1, cooldown: 2, minLr: 0.2, threshold: 0.1 });
    // best·(1 − 0.1) must be beaten: 10 → 9.5 is no improvement (needs < 9).
    const metrics = [10, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9];
    const seen: number[] = [];
    const bad: number[] = [];
    for (const m of metrics) (s.step(m), seen.push(o.paramGroups[0]!.lr), bad.push(s.numBadEpochs));
    expect(seen).toEqual([1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(bad).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(s.best).toBe(8.9);
    expect(s.lastEpoch).toBe(15);
  });

  it('max mode with an absolute threshold and per-group minLr', () => {
    const o = plain({ lr: 1 }, { lr: 0.1 });
    const s = new ReduceLROnPlateau(o, { mode: 'max', thresholdMode: 'abs', threshold: 0.05, patience: 0, factor: 0.1, minLr: [0.05, 0.02] });
    s.step(0.5); // first value: improvement
    s.step(0.54); // not above 0.55: reduce both
    expect(lrs(o)).toEqual([0.1, 0.02]);
    s.step(0.6); // improvement
    expect(s.inCooldown).toBe(false);
    s.step(0.6); // reduce: group 0 to its floor, group 1 already there (no change)
    expect(lrs(o)).toEqual([0.05, 0.02]);
    expect(s.getLastLr()).toEqual([0.05, 0.02]);
  });

  it('skips reductions smaller than eps and counts NaN metrics as bad', () => {
    const o = plain({ lr: 1e-8 });
    const s = new ReduceLROnPlateau(o, { patience: 0 });
    s.step(NaN);
    s.step(NaN);
    expect(s.numBadEpochs).toBe(0);
    expect(lrs(o)).toEqual([1e-8]);
  });
});

describe('bad input', () => {
  const o = () => plain({ lr: 0.1, momentum: 0.9 });
  const withChild = (x: SchedulableOptimizer, f: (c: LRScheduler) => unknown) => {
    const c = new LinearLR(x, { startFactor: 0.5 });
    return () => f(c);
  };
  const cases: Array<[string, (x: SchedulableOptimizer) => unknown, RegExp]> = [
    ['no optimizer', () => new StepLR(null as never, { stepSize: 1 }), /optimizer/],
    ['empty groups', () => new StepLR(plain(), { stepSize: 1 }), /paramGroups/],
    ['lr not a number', () => new StepLR(plain({ lr: 'x' as never }), { stepSize: 1 }), /lr/],
    ['unknown option', (x) => new StepLR(x, { stepSize: 1, step_size: 2 } as never), /unknown option "step_size"/],
    ['missing stepSize', (x) => new StepLR(x, {} as never), /stepSize is required/],
    ['stepSize 0', (x) => new StepLR(x, { stepSize: 0 }), /stepSize must be >= 1/],
    ['stepSize 1.5', (x) => new StepLR(x, { stepSize: 1.5 }), /stepSize must be an integer/],
    ['milestones not integers', (x) => new MultiStepLR(x, { milestones: [1, 'a' as never] }), /milestones\[1\]/],
    ['ConstantLR factor > 1', (x) => new ConstantLR(x, { factor: 2 }), /factor must be in \[0, 1\]/],
    ['LinearLR startFactor 0', (x) => new LinearLR(x, { startFactor: 0 }), /startFactor/],
    ['tMax 0', (x) => new CosineAnnealingLR(x, { tMax: 0 }), /tMax/],
    ['t0 2.5', (x) => new CosineAnnealingWarmRestarts(x, { t0: 2.5 }), /t0 must be an integer/],
    ['tMult 0', (x) => new CosineAnnealingWarmRestarts(x, { t0: 2, tMult: 0 }), /tMult/],
    ['lrLambda not a function', (x) => new LambdaLR(x, { lrLambda: 3 as never }), /lrLambda must be a function/],
    ['lrLambda list too short', (x) => new LambdaLR(x, { lrLambda: [] }), /one value per param group/],
    ['lrLambda returning a string', (x) => new LambdaLR(x, { lrLambda: () => 'a' as never }), /must return a number/],
    ['OneCycleLR without length', (x) => new OneCycleLR(x, { maxLr: 1 }), /totalSteps/],
    ['OneCycleLR pctStart 1.5', (x) => new OneCycleLR(x, { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /pctStart/],
    ['OneCycleLR empty phase', (x) => new OneCycleLR(x, { maxLr: 1, totalSteps: 10, pctStart: 0.1 }), /empty/],
    ['OneCycleLR anneal', (x) => new OneCycleLR(x, { maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as never }), /annealStrategy/],
    ['OneCycleLR maxLr list length', (x) => new OneCycleLR(x, { maxLr: [1, 2], totalSteps: 10 }), /maxLr must have one value per param group/],
    ['cycleMomentum without momentum', () => new OneCycleLR(plain({ lr: 0.1 }), { maxLr: 1, totalSteps: 10 }), /cycleMomentum/],
    ['CyclicLR mode', (x) => new CyclicLR(x, { baseLr: 0.1, maxLr: 1, mode: 'saw' as never }), /mode must be one of/],
    ['CyclicLR stepSizeUp 0', (x) => new CyclicLR(x, { baseLr: 0.1, maxLr: 1, stepSizeUp: 0 }), /stepSizeUp/],
    ['plateau factor 1', (x) => new ReduceLROnPlateau(x, { factor: 1 }), /factor/],
    ['plateau mode', (x) => new ReduceLROnPlateau(x, { mode: 'up' as never }), /mode/],
    ['plateau minLr list', (x) => new ReduceLROnPlateau(x, { minLr: [0, 0] }), /minLr/],
    ['SequentialLR plateau child', (x) => new SequentialLR(x, { schedulers: [new ReduceLROnPlateau(x) as never], milestones: [] }), /ReduceLROnPlateau/],
    ['SequentialLR milestones count', (x) => withChild(x, (c) => new SequentialLR(x, { schedulers: [c], milestones: [3] })), /milestones must have 0/],
    ['SequentialLR composite child', (x) => withChild(x, (c) => new SequentialLR(x, { schedulers: [c, new ChainedScheduler([c])], milestones: [3] })), /cannot be restarted/],
    ['SequentialLR other optimizer', (x) => new SequentialLR(x, { schedulers: [new StepLR(plain({ lr: 1 }), { stepSize: 2 })], milestones: [] }), /another optimizer/],
    ['ChainedScheduler empty', () => new ChainedScheduler([]), /non-empty/],
    ['warmupCosine totalSteps', (x) => warmupCosine(x, { warmupSteps: 5, totalSteps: 5 }), /totalSteps/],
    ['resume without initialLr', (x) => new StepLR(x, { stepSize: 2, lastEpoch: 4 }), /initialLr/],
  ];
  it.each(cases)('%s: throws a TypeError/RangeError naming it and leaves the optimizer as it was', (_n, f, msg) => {
    const x = o();
    let before = snapshot(x);
    let err: unknown;
    try {
      const r = f(x);
      if (typeof r === 'function') {
        // Composite: the children were built (and moved the lr) before the call under test.
        before = snapshot(x);
        r();
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err instanceof TypeError || err instanceof RangeError).toBe(true);
    expect((err as Error).message).toMatch(msg);
    expect(snapshot(x)).toEqual(before);
  });

  it('a failing step changes nothing', () => {
    const x = o();
    let calls = 0;
    const s = new LambdaLR(x, { lrLambda: () => (++calls > 2 ? NaN : 1) });
    s.step();
    const state = s.stateDict();
    expect(() => s.step()).toThrow(RangeError);
    expect(s.stateDict()).toEqual(state);
    expect(lrs(x)).toEqual([0.1]);
    x.paramGroups.push({ lr: 1 });
    const t = new StepLR(o(), { stepSize: 2 });
    (t.optimizer.paramGroups as Group[]).push({ lr: 1 });
    expect(() => t.step()).toThrow(/2 param groups, the scheduler was built for 1/);
    expect(() => new ReduceLROnPlateau(o()).step('0.5' as never)).toThrow(TypeError);
  });
});

describe('warmupCosine', () => {
  it('is LinearLR then CosineAnnealingLR in a SequentialLR, with the documented values', () => {
    const a = plain({ lr: 0.2 });
    const s = warmupCosine(a, { warmupSteps: 4, totalSteps: 12, minLr: 0.01, warmupStartFactor: 0.1 });
    const b = plain({ lr: 0.2 });
    const t = buildScheduler('SequentialLR([LinearLR(start_factor=0.1, total_iters=4), CosineAnnealingLR(T_max=8, eta_min=0.01)], milestones=[4])', b) as LRScheduler;
    for (let k = 0; k <= 12; k++) {
      const want = k <= 4 ? 0.2 * (0.1 + (0.9 * k) / 4) : 0.01 + ((0.2 - 0.01) * (1 + Math.cos((Math.PI * (k - 4)) / 8))) / 2;
      expect(a.paramGroups[0]!.lr).toBeCloseTo(want, 14);
      expect(a.paramGroups[0]!.lr).toBe(b.paramGroups[0]!.lr);
      s.step();
      t.step();
    }
    const c = plain({ lr: 0.2 });
    expect(warmupCosine(c, { warmupSteps: 0, totalSteps: 5 })).toBeInstanceOf(CosineAnnealingLR);
  });
});

describe('CosineAnnealingWarmRestarts.step(epoch) and resuming', () => {
  it('jumps to a fractional epoch as torch does', () => {
    const o = plain({ lr: 0.1 });
    const s = new CosineAnnealingWarmRestarts(o, { t0: 10, tMult: 2, etaMin: 0.001 });
    s.step(15.5); // n = ⌊log2(15.5/10 + 1)⌋ = 1: T_cur = 15.5 − 10 = 5.5, T_i = 20
    expect(s.tCur).toBe(5.5);
    expect(s.tI).toBe(20);
    expect(s.lastEpoch).toBe(15);
    expect(o.paramGroups[0]!.lr).toBe(0.001 + ((0.1 - 0.001) * (1 + Math.cos((Math.PI * 5.5) / 20))) / 2);
    s.step(); // T_cur 6.5
    expect(o.paramGroups[0]!.lr).toBe(0.001 + ((0.1 - 0.001) * (1 + Math.cos((Math.PI * 6.5) / 20))) / 2);
    expect(() => s.step(-1)).toThrow(RangeError);
    expect(s.lastEpoch).toBe(16);
  });

  it('resumes from lastEpoch when the groups carry initialLr', () => {
    const o = plain({ lr: 0.1 });
    new StepLR(o, { stepSize: 100 }); // records initialLr = 0.1
    o.paramGroups[0]!.lr = 0.0125;
    const s = new ExponentialLR(o, { gamma: 0.5, lastEpoch: 3 });
    expect(s.lastEpoch).toBe(4);
    expect(s.baseLrs).toEqual([0.1]);
    expect(o.paramGroups[0]!.lr).toBe(0.0125);
    s.step();
    expect(o.paramGroups[0]!.lr).toBe(0.00625);
  });
});
