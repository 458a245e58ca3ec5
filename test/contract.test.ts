/**
 * The optimizer contract, for every registered optimizer × every option set its registration
 * declares, on every backend: maximize is descent on the negated gradient, hyperparameter edits
 * between steps act like a state dict carrying them, and bad options are refused with nothing
 * changed. (Awkward sizes, state round trips, threads and checkpoints: contract-state.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { OPTIMIZERS, type OptimizerName, registrations } from '../src/optim/registry.js';
import { awkwardGrads, expectBits, type OptimizerClass, onAllBackends, seededValues } from './helpers/backends.js';
import { type Rig, dispose, engines, expectSameParams, expectSameStates, firstBitDifference, memoryWords, rig, setGrads, stepTogether } from './helpers/lockstep.js';
import { casesOf, defaultsOf, labelledCases, type OptionSet, optimizerCases, parametersFor } from './helpers/optimizer-table.js';

let all: Engine[];
/** `opt.defaults` of every optimizer (built with no options), by registry key. */
const defaults: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  all = await engines(2 << 20);
  for (const name of Object.keys(OPTIMIZERS)) defaults[name] = defaultsOf(all[2]!, name);
});

const Cls = (name: string) => OPTIMIZERS[name as OptimizerName] as unknown as OptimizerClass<object>;
const classOf = (name: string) => (params: never, options?: object) => new (Cls(name))(params, options as never) as Optimizer<object>;

/** Group of the rig's only param group, as a plain record. */
const group = (o: Optimizer<object>) => o.paramGroups[0] as unknown as Record<string, unknown>;

describe('the case table', () => {
  it('every registered optimizer declares at least one option set, and the suites run every key of OPTIMIZERS', () => {
    const keys = Object.keys(OPTIMIZERS);
    expect(keys.length).toBeGreaterThan(0);
    expect(registrations().map((r) => r.key).sort()).toEqual([...keys].sort());
    for (const r of registrations()) expect(r.optionSets.length, r.key).toBeGreaterThan(0);
    expect([...new Set(optimizerCases().map(([n]) => n))]).toEqual(keys);
  });

  it('an optimizer without option sets, or without a registration, fails the table instead of dropping out', () => {
    expect(() => casesOf(['a', 'b'], [{ key: 'a', optionSets: [{}] }, { key: 'b', optionSets: [] }])).toThrow(/"b" declares no option sets/);
    expect(() => casesOf(['a', 'c'], [{ key: 'a', optionSets: [{}] }])).toThrow(/"c" declares no option sets/);
    expect(casesOf(['a'], [{ key: 'a', optionSets: [{ lr: 1 }, { lr: 2 }] }])).toEqual([['a', { lr: 1 }], ['a', { lr: 2 }]]);
  });
});

/** A value for an edit: numbers (and each number of a tuple) scaled by 3/4, so ranges still hold. */
function edited(v: unknown): unknown {
  if (typeof v === 'number') return v === 0 ? 0.01 : v * 0.75;
  return (v as number[]).map((x) => x * 0.75);
}

/** The option set's numeric options (numbers and tuples of numbers). */
const numericKeys = (o: OptionSet) => Object.keys(o).filter((k) => typeof o[k] === 'number' || (Array.isArray(o[k]) && (o[k] as unknown[]).every((x) => typeof x === 'number')));

/** An out-of-range value where there is one: −1 for a number (1 for a negative one, as Adafactor's beta2Decay ≤ 0), −1 first in a tuple. */
function outOfRange(v: unknown): unknown {
  if (typeof v === 'number') return v < 0 ? 1 : -1;
  if (Array.isArray(v)) return [-1, ...v.slice(1)];
  return undefined;
}

describe.each(labelledCases())('%s', (_label, name, options) => {
  it('maximize equals minimizing the negated gradient, bit for bit, on every backend', (ctx) => {
    if (!('maximize' in defaults[name]!)) return ctx.skip();
    const sizes = [5, 17];
    const init = sizes.map((n, i) => seededValues(10 + i, n));
    const g = awkwardGrads(22, 5, 3);
    const grads = g.map((row) => [row.subarray(0, 5), row.subarray(5)]);
    const neg = grads.map((row) => row.map((x) => x.map((v) => -v)));
    const a = onAllBackends(all, Cls(name), { options: { ...options, maximize: true }, init, grads });
    const b = onAllBackends(all, Cls(name), { options: { ...options, maximize: false }, init, grads: neg });
    a.params.forEach((ps, s) => ps.forEach((p, t) => expectBits(p, b.params[s]![t]!, `step ${s + 1} tensor ${t}`)));
    a.states.forEach((st, s) => expectSameStates(st, b.states[s]!, `step ${s + 1}`));
  });

  it.each(numericKeys(options))('editing %s after step 2 acts at step 3 as a loaded state dict carrying the edit', (key) => {
    const seed = 41;
    const sizes = [5, 17];
    const results: Float32Array[][] = [];
    for (const e of all) {
      const a = rig(e, name, options, sizes, seed);
      const b = rig(e, name, options, sizes, seed);
      try {
        stepTogether([a], seed, 0, 2);
        const value = edited(group(a.opt)[key]);
        const sd = JSON.parse(JSON.stringify(a.opt.stateDict()));
        sd.paramGroups[0][key] = value;
        a.target.forEach((p, t) => b.target[t]!.data.set(p.data));
        b.opt.loadStateDict(sd);
        group(a.opt)[key] = value;
        stepTogether([a, b], seed, 2, 3);
        const where = `${e.backend}: ${key} → ${JSON.stringify(value)}`;
        expectSameParams(a, b, where);
        const sa = a.opt.stateDict(), sb = b.opt.stateDict();
        expect(sb.paramGroups, where).toEqual(sa.paramGroups);
        expectSameStates(sa.state, sb.state, where);
        results.push(a.target.map((p) => p.data.slice()));
      } finally {
        dispose(a);
        dispose(b);
      }
    }
    for (const r of results.slice(1)) r.forEach((p, t) => expectBits(p, results[0]![t]!, `backends differ, tensor ${t}`));
  });
});

/** Copies of the whole memory and the state dict, to check a refused call changed nothing. */
function frozen(r: Rig): () => void {
  const end = r.engine.memory.buffer.byteLength;
  const mem = memoryWords(r.engine, 0, end);
  /** The state dict as JSON, buffers as their bit patterns. */
  const dump = () => JSON.stringify(r.opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)) : v));
  const sd = dump();
  return () => {
    expect(r.engine.memory.buffer.byteLength, 'memory size').toBe(end);
    expect(firstBitDifference(memoryWords(r.engine, 0, end), mem), 'memory').toBe(-1);
    expect(dump(), 'stateDict').toBe(sd);
  };
}

describe.each(Object.keys(OPTIMIZERS))('%s: bad options', (name) => {
  const keys = () => Object.keys(defaults[name]!);

  it('each option: a string is a TypeError and an out-of-range value a RangeError naming it, at construction', () => {
    const e = all[0]!;
    const [p] = parametersFor(e, name, [4]);
    const make = classOf(name);
    for (const k of keys()) {
      const named = new RegExp(`\\b${k}\\b`);
      expect(() => make([p] as never, { [k]: 'x' }), k).toThrow(TypeError);
      expect(() => make([p] as never, { [k]: 'x' }), k).toThrow(named);
      expect(() => make([{ params: [p], [k]: 'x' }] as never), `${k} in a group`).toThrow(TypeError);
      const bad = outOfRange(defaults[name]![k]);
      if (bad === undefined) continue;
      expect(() => make([p] as never, { [k]: bad }), `${k} = ${JSON.stringify(bad)}`).toThrow(RangeError);
      expect(() => make([p] as never, { [k]: bad }), `${k} = ${JSON.stringify(bad)}`).toThrow(named);
    }
    p!.dispose();
  });

  it('each option: a bad group edit is refused at step() with memory and state unchanged, and the run goes on', () => {
    for (const e of all) {
      const r = rig(e, name, {}, [5, 17], 3);
      try {
        setGrads(r, 3, 0);
        r.opt.step();
        for (const k of keys()) {
          const good = group(r.opt)[k];
          for (const [bad, Err] of [['x', TypeError], [outOfRange(good), RangeError]] as const) {
            if (bad === undefined) continue;
            const unchanged = frozen(r);
            group(r.opt)[k] = bad;
            expect(() => r.opt.step(), `${e.backend} ${k} = ${JSON.stringify(bad)}`).toThrow(Err);
            expect(() => r.opt.step(), `${e.backend} ${k} = ${JSON.stringify(bad)}`).toThrow(new RegExp(`\\b${k}\\b`));
            group(r.opt)[k] = good;
            unchanged();
          }
        }
        r.opt.step();
        expect(r.opt.stateDict().state[0], 'steps after the refusals').toBeDefined();
      } finally {
        dispose(r);
      }
    }
  });

  it('unknown and inherited option names are TypeErrors, at construction and as a group edit', () => {
    const make = classOf(name);
    const r = rig(all[1]!, name, {}, [3], 5);
    const [p] = parametersFor(all[1]!, name, [2]);
    try {
      expect(() => make([p] as never, { lrr: 0.1 })).toThrow(TypeError);
      expect(() => make([p] as never, { lrr: 0.1 })).toThrow(/unknown option "lrr" \(did you mean "lr"\?/);
      for (const k of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__']) {
        const bad = JSON.parse(`{"${k}": 1}`) as object;
        expect(() => make([p] as never, bad), k).toThrow(TypeError);
        expect(() => make([p] as never, bad), k).toThrow(`"${k}"`);
        expect(() => make([{ params: [p], ...bad }] as never), `${k} in a group`).toThrow(`"${k}"`);
      }
      setGrads(r, 5, 0);
      r.opt.step();
      for (const k of ['lrr', 'toString']) {
        const unchanged = frozen(r);
        group(r.opt)[k] = 1;
        expect(() => r.opt.step(), `group edit ${k}`).toThrow(TypeError);
        expect(() => r.opt.step(), `group edit ${k}`).toThrow(`"${k}"`);
        delete group(r.opt)[k];
        unchanged();
      }
      r.opt.step();
    } finally {
      dispose(r);
      p!.dispose();
    }
  });
});
