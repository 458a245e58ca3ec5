/**
 * The optimizer contract, continued, for every registered optimizer × every option set: awkward
 * sizes in one engine agree bit for bit on simd, scalar and js (params, every state entry, the
 * whole memory) with NaN neighbours untouched; state dicts round-trip (also through JSON) and the
 * restored optimizer continues in lock-step; checkpoints round-trip across backends; and, per
 * optimizer with its last option set, the threaded engine equals one thread and a checkpoint
 * resumes in lock-step in a fresh engine with a scheduler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import { createEngine, type Engine } from '../src/engine.js';
import type { StateDict } from '../src/optim/optimizer.js';
import { CosineAnnealingLR } from '../src/schedule/cosine.js';
import { awkwardGrads } from './helpers/backends.js';
import { bits, expectSameState, firstBitDiff, model, ODD_BITS, train } from './helpers/checkpoint-rig.js';
import {
  BACKENDS,
  dispose,
  engines,
  expectGuardsUntouched,
  expectSameParams,
  expectSameStates,
  firstBitDifference,
  GUARD,
  memoryWords,
  type Rig,
  rig,
  setGrads,
  stepTogether,
} from './helpers/lockstep.js';
import { labelledCases, lastOptionSets } from './helpers/optimizer-table.js';

// Tile edges (1, 3, 4, 5, 8, 9, 15, 16, 17, 33), a long odd size and one random size per run;
// NaN guards between some of them split the optimizer's runs.
const RANDOM = 1 + Math.floor(Math.random() * 3000);
const SIZES = [0, 1, 3, GUARD, 4, 5, 8, 9, GUARD, 15, 16, 17, 33, GUARD, 1023, 0, RANDOM, GUARD, 2] as const;
const STEPS = 9;
/** Steps from this one on take awkward gradients: ±0, subnormals, values whose square overflows. */
const AWKWARD_FROM = 4;

let all: Engine[];
/** Engines for the checkpoint tests (kept apart: the parity test compares whole memories of `all`). */
let ck: Engine[];
let single: Engine;
let threaded: Engine;
beforeAll(async () => {
  all = await engines(2 << 20);
  ck = await engines(1 << 20);
  single = await createEngine({ backend: 'simd', initialBytes: 4 << 20 });
  // Threshold 0: every splittable call is cut, even a few elements.
  threaded = await createEngine({ backend: 'simd', initialBytes: 4 << 20, threads: 2, threadThreshold: 0 });
});
afterAll(() => threaded.dispose());

/** Sets the rig's gradients from consecutive slices of `g`. */
function setSlices(r: Rig, g: Float32Array): void {
  let at = 0;
  for (const p of r.target) p.grad.set(g.subarray(at, (at += p.length)));
}

describe.each(labelledCases())('%s', (_label, name, options, k) => {
  it(`sizes ${SIZES.join(' ')}: ${STEPS} steps, params, state and memory identical on simd, scalar, js`, () => {
    const seed = 17 + k;
    const rigs = all.map((e) => rig(e, name, options, SIZES, seed));
    const awkward = awkwardGrads(SIZES.reduce<number>((n, x) => n + (x === GUARD ? 0 : x), 0), STEPS, seed);
    try {
      for (let s = 0; s < STEPS; s++) {
        for (const r of rigs) {
          if (s < AWKWARD_FROM) setGrads(r, seed, s);
          else setSlices(r, awkward[s]!);
          r.opt.step();
        }
        const [ref, ...others] = rigs;
        for (const r of others) {
          const where = `${r.engine.backend} vs ${ref!.engine.backend} after step ${s + 1}`;
          expectSameParams(ref!, r, where);
          expectSameStates(ref!.opt.stateDict().state, r.opt.stateDict().state, where);
        }
      }
      for (const r of rigs) expectGuardsUntouched(r, r.engine.backend);
      // Nothing else in memory differs either (a stray store would show here).
      const end = Math.min(...all.map((e) => e.memory.buffer.byteLength));
      const base = memoryWords(all[0]!, 256, end);
      for (const e of all.slice(1)) expect(firstBitDifference(base, memoryWords(e, 256, end)), e.backend).toBe(-1);
    } finally {
      rigs.forEach(dispose);
    }
  });

  it('stateDict → loadStateDict (a clone, and through JSON) after 7 steps: same dict, then 7 lock-step steps (every backend)', () => {
    for (const e of all) {
      const seed = 99;
      const sizes = [13, 40, 5];
      const [a, b, c] = [0, 1, 2].map(() => rig(e, name, options, sizes, seed)) as [Rig, Rig, Rig];
      try {
        stepTogether([a], seed, 0, 7);
        const snap = a.opt.stateDict();
        for (const [r, copy] of [[b, structuredClone(snap)], [c, JSON.parse(JSON.stringify(snap)) as StateDict]] as const) {
          // Fresh optimizer over the same parameter values, state loaded from a copy of a's.
          a.target.forEach((p, t) => r.target[t]!.data.set(p.data));
          r.opt.loadStateDict(copy);
          const again = r.opt.stateDict();
          expectSameStates(snap.state, again.state, `${e.backend} restored`);
          expect(again.paramGroups).toEqual(snap.paramGroups);
        }
        stepTogether([a, b, c], seed, 7, 14, (s) => {
          expectSameParams(a, b, `${e.backend} clone, step ${s + 1}`);
          expectSameParams(a, c, `${e.backend} JSON, step ${s + 1}`);
        });
        expectSameStates(a.opt.stateDict().state, c.opt.stateDict().state, `${e.backend} JSON, final`);
      } finally {
        [a, b, c].forEach(dispose);
      }
    }
  });

  it('checkpoint: restores every parameter bit and every state entry, on another backend', async () => {
    const from = ck[k % 3]!;
    const a = model(from, name, options, 7 + k);
    train(a, 7 + k, 0, 5);
    const bytes = saveCheckpoint({ params: a.params, optimizer: a.opt });
    const to = await createEngine({ backend: BACKENDS[(k + 1) % 3]!, initialBytes: 256 << 10 });
    const b = model(to, name, null, 1000 + k);
    const info = loadCheckpoint(bytes, { params: b.params, optimizer: b.opt });
    expect(info.optimizer).toBe(name);
    a.params.forEach((p, i) => expect(firstBitDiff(b.params[i]!.data, p.data), `param ${i}`).toBe(-1));
    expect([...bits(b.params[3]!.data)]).toEqual(ODD_BITS);
    expectSameState(b.opt.stateDict(), a.opt.stateDict());
    // Saving the restored state gives the same bytes (the kernel hash is the same build's).
    expect(saveCheckpoint({ params: b.params, optimizer: b.opt })).toEqual(bytes);
  });
});

describe.each(lastOptionSets())('%s, last option set', (name, options) => {
  it(`two threads (every call split) equal one thread: sizes ${SIZES.join(' ')} and 5000, 4 steps`, () => {
    const seed = 23;
    const sizes = [...SIZES, 5000];
    const a = rig(single, name, options, sizes, seed);
    const b = rig(threaded, name, options, sizes, seed);
    try {
      stepTogether([a, b], seed, 0, 4, (s) => {
        expectSameParams(a, b, `step ${s + 1}`);
        expectSameStates(a.opt.stateDict().state, b.opt.stateDict().state, `step ${s + 1}`);
      });
      expectGuardsUntouched(b, 'threaded');
    } finally {
      dispose(a);
      dispose(b);
    }
  });

  it.each([0, 1, 2])('checkpoint: 10 steps, save, load into a fresh engine, 10 more: identical bits (backend %i)', async (bi) => {
    const seed = 31;
    const a = model(ck[bi]!, name, options, seed);
    const schedA = new CosineAnnealingLR(a.opt as never, { tMax: 7, etaMin: 1e-4 });
    train(a, seed, 0, 10, () => schedA.step());
    const bytes = saveCheckpoint({ params: a.params, optimizer: a.opt, scheduler: schedA, extra: { epoch: 10 } });

    const fresh = await createEngine({ backend: BACKENDS[bi]!, initialBytes: 64 << 10 });
    const b = model(fresh, name, null, seed + 1);
    const schedB = new CosineAnnealingLR(b.opt as never, { tMax: 7, etaMin: 1e-4 });
    const info = loadCheckpoint(bytes, { params: b.params, optimizer: b.opt, scheduler: schedB });
    expect(info.extra).toEqual({ epoch: 10 });
    expectSameState(b.opt.stateDict(), a.opt.stateDict());
    expect(schedB.stateDict()).toEqual(schedA.stateDict());

    const lrs = (m: typeof a) => m.opt.paramGroups.map((g) => (g as unknown as { lr: number }).lr);
    for (let s = 10; s < 20; s++) {
      train(a, seed, s, s + 1, () => schedA.step());
      train(b, seed, s, s + 1, () => schedB.step());
      a.params.forEach((p, i) => expect(firstBitDiff(b.params[i]!.data, p.data), `step ${s + 1} param ${i}`).toBe(-1));
      expect(lrs(b)).toEqual(lrs(a));
    }
    expectSameState(b.opt.stateDict(), a.opt.stateDict());
  });
});
