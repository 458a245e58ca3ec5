// Property: for any optimizer, valid hyperparameters, size and gradients, the three backends
// produce bit-identical parameters and state.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { OPTIMIZERS } from '../src/optim/registry.js';
import { dispose, engines, firstBitDifference, rig } from './helpers/lockstep.js';
import { rng } from './helpers/random.js';
import { defaultsOf } from './helpers/optimizer-table.js';

const unit = (max: number) => fc.double({ min: 0, max, noNaN: true });

/** A valid value for each option name, over the whole range torch accepts (within reason). */
const OPTION_ARBS: Record<string, fc.Arbitrary<unknown>> = {
  lr: unit(0.5),
  betas: fc.tuple(unit(0.999), unit(0.9999)),
  eps: fc.constantFrom(1e-16, 1e-10, 1e-8, 1e-6, 1e-3),
  epsRoot: fc.constantFrom(0, 1e-16, 1e-8),
  weightDecay: unit(0.2),
  maximize: fc.boolean(),
  amsgrad: fc.boolean(),
  centered: fc.boolean(),
  nesterov: fc.boolean(),
  decoupledWeightDecay: fc.boolean(),
  momentum: unit(0.99),
  dampening: unit(0.9),
  alpha: unit(0.999),
  rho: unit(1),
  lrDecay: unit(0.1),
  initialAccumulatorValue: unit(1),
  momentumDecay: unit(0.01),
  lambd: unit(1),
  t0: fc.double({ min: 0, max: 5, noNaN: true }),
  etas: fc.tuple(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.double({ min: 1.01, max: 3, noNaN: true })),
  stepSizes: fc.tuple(fc.double({ min: 1e-7, max: 1e-3, noNaN: true }), fc.double({ min: 0.01, max: 50, noNaN: true })),
  nsCoefficients: fc.tuple(fc.double({ min: 0.1, max: 4, noNaN: true }), fc.double({ min: -5, max: 0, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })),
  nsSteps: fc.integer({ min: 0, max: 6 }),
  adjustLrFn: fc.constantFrom(null, 'original', 'match_rms_adamw'),
  nsDtype: fc.constantFrom('bfloat16', 'float32'),
  maxIter: fc.integer({ min: 1, max: 6 }),
  maxEval: fc.integer({ min: 1, max: 9 }),
  toleranceGrad: fc.constantFrom(0, 1e-7, 1e-3),
  toleranceChange: fc.constantFrom(0, 1e-9, 1e-4),
  historySize: fc.integer({ min: 1, max: 4 }),
  lineSearchFn: fc.constantFrom(null, 'strong_wolfe'),
  beta2Decay: fc.double({ min: -1.5, max: 0, noNaN: true }),
  d: fc.double({ min: 1, max: 4, noNaN: true }),
  weightLrPower: unit(4),
  warmupSteps: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
  weightDecayMask: fc.boolean(),
  trustRatioMask: fc.boolean(),
  trustCoefficient: unit(0.1),
};

/** Where an option's values differ by optimizer (Adan's three betas, Adafactor's eps pair). */
const OPTIMIZER_ARBS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  adan: { betas: fc.tuple(unit(0.999), unit(0.999), unit(0.9999)) },
  adafactor: { eps: fc.tuple(fc.constantFrom(null, 0, 1e-30, 1e-12), fc.constantFrom(0, 1e-3, 1e-2)) },
};

let all: Engine[];
let keysOf: Record<string, string[]>;
beforeAll(async () => {
  all = await engines();
  keysOf = {};
  for (const name of Object.keys(OPTIMIZERS)) keysOf[name] = Object.keys(defaultsOf(all[2]!, name));
});

function optionsFor(name: string): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keysOf[name]!) {
    const arb = OPTIMIZER_ARBS[name]?.[k] ?? OPTION_ARBS[k];
    if (!arb) throw new Error(`no arbitrary for option ${name}.${k}`);
    rec[k] = arb;
  }
  return fc.record(rec).map((o) => {
    if (name === 'schedule_free_adamw') o.betas = [Math.max(0.01, (o.betas as number[])[0]!), (o.betas as number[])[1]!]; // divides by β1
    if (o.nesterov) Object.assign(o, { momentum: Math.max(0.1, o.momentum as number) }, 'dampening' in o ? { dampening: 0 } : {});
    return o;
  });
}

describe('fast-check: every backend computes the same bits', () => {
  const runs = Number(process.env.PROPERTY_RUNS ?? 1000);
  it(`${runs} random optimizers, options, sizes and gradients`, () => {
    const names = Object.keys(OPTIMIZERS);
    const arb = fc
      .constantFrom(...names)
      .chain((name) =>
        fc.record({
          name: fc.constant(name),
          options: optionsFor(name),
          sizes: fc.array(fc.integer({ min: 0, max: 130 }), { minLength: 1, maxLength: 3 }),
          steps: fc.integer({ min: 1, max: 8 }),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          scale: fc.constantFrom(1e-6, 1e-3, 1, 30, 1e4),
          zeros: fc.boolean(),
        }),
      );
    fc.assert(
      fc.property(arb, ({ name, options, sizes, steps, seed, scale, zeros }) => {
        const rigs = all.map((e) => rig(e, name, options, sizes, seed));
        try {
          for (let s = 0; s < steps; s++) {
            const next = rng(seed + s);
            const grads = rigs[0]!.target.map((p) => {
              const g = new Float32Array(p.length);
              for (let i = 0; i < g.length; i++) g[i] = zeros && i % 3 === 0 ? 0 : (next() * 2 - 1) * scale;
              return g;
            });
            for (const r of rigs) {
              r.target.forEach((p, t) => p.grad.set(grads[t]!));
              r.opt.step();
            }
          }
          const [ref, ...others] = rigs;
          const sa = ref!.opt.stateDict().state;
          for (const r of others) {
            r.target.forEach((p, t) => expect(firstBitDifference(ref!.target[t]!.data, p.data)).toBe(-1));
            const sb = r.opt.stateDict().state;
            for (const [i, st] of Object.entries(sa)) {
              for (const [k, v] of Object.entries(st)) {
                const w = sb[Number(i)]![k]!;
                if (typeof v === 'number') expect(w).toBe(v);
                else expect(firstBitDifference(v, w as Float32Array), `${r.engine.backend} ${k}`).toBe(-1);
              }
            }
          }
        } finally {
          rigs.forEach(dispose);
        }
      }),
      { numRuns: runs },
    );
  });
});
