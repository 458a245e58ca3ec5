// SIMD, scalar and pure-JS paths agree bit for bit: params, every state entry, whole memory.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import type { ParamState } from '../src/optim/optimizer.js';
import { type Rig, dispose, engines, firstBitDifference, memoryWords, rig, setGrads } from './helpers/lockstep.js';
import { optimizerCases } from './helpers/optimizer-table.js';

// Tile edges (1, 3, 4, 5, 15, 16, 17), a long odd size, and one random size per run.
const RANDOM = 1 + Math.floor(Math.random() * 3000);
const SIZES = [0, 1, 3, 4, 5, 15, 16, 17, 1023, RANDOM];
const STEPS = 7;

let all: Engine[];
beforeAll(async () => {
  all = await engines();
});

function compareStates(a: Record<number, ParamState>, b: Record<number, ParamState>, where: string): void {
  expect(Object.keys(b), where).toEqual(Object.keys(a));
  for (const [i, sa] of Object.entries(a)) {
    const sb = b[Number(i)]!;
    expect(Object.keys(sb).sort(), where).toEqual(Object.keys(sa).sort());
    for (const [k, va] of Object.entries(sa)) {
      const vb = sb[k]!;
      if (typeof va === 'number') expect(vb, `${where} state[${i}].${k}`).toBe(va);
      else expect(firstBitDifference(va, vb as Float32Array), `${where} state[${i}].${k}`).toBe(-1);
    }
  }
}

describe.each(optimizerCases().map(([name, o]) => [`${name} ${JSON.stringify(o)}`, name, o] as const))(
  '%s',
  (_label, name, options) => {
    it.each(SIZES)(`size %i: ${STEPS} steps, params and state identical on simd, scalar, js`, (n) => {
      const seed = 17 + n;
      // A second tensor of another size makes the run span two parameters.
      const sizes = n > 0 ? [n, 1 + (n % 7)] : [0];
      const rigs: Rig[] = all.map((e) => rig(e, name, options, sizes, seed));
      try {
        for (let s = 0; s < STEPS; s++) {
          for (const r of rigs) {
            setGrads(r, seed, s);
            r.opt.step();
          }
          const [ref, ...others] = rigs;
          for (const r of others) {
            const where = `${r.engine.backend} vs ${ref!.engine.backend} after step ${s + 1}`;
            r.target.forEach((p, t) => {
              expect(firstBitDifference(ref!.target[t]!.data, p.data), `${where} tensor ${t}`).toBe(-1);
            });
            compareStates(ref!.opt.stateDict().state, r.opt.stateDict().state, where);
          }
        }
        for (const r of rigs) {
          // NaN-filled guards before and after the tensors were not touched.
          for (const g of [r.params[0]!, r.params[r.params.length - 1]!]) {
            expect(g.data.every(Number.isNaN)).toBe(true);
            expect(g.grad.every(Number.isNaN)).toBe(true);
          }
        }
        // Nothing else in memory differs either (a stray store would show here).
        const end = Math.min(...all.map((e) => e.memory.buffer.byteLength));
        const base = memoryWords(all[0]!, 256, end);
        for (const e of all.slice(1)) expect(firstBitDifference(base, memoryWords(e, 256, end)), e.backend).toBe(-1);
      } finally {
        rigs.forEach(dispose);
      }
    });
  },
);
