// stateDict() / loadStateDict() details (the round trip for every optimizer: contract-state.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adam, SGD } from '../src/index.js';
import { engines } from './helpers/lockstep.js';

let all: Engine[];
beforeAll(async () => {
  all = await engines();
});

describe('stateDict details', () => {
  it('is empty before the first step and keyed by parameter index after', () => {
    const e = all[0]!;
    const ps = e.parameters([3, 4]);
    const opt = new Adam([{ params: [ps[1]!] }, { params: [ps[0]!], lr: 0.5 }]);
    expect(opt.stateDict().state).toEqual({});
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[0]!.exp_avg).toHaveLength(4);
    expect(sd.state[1]!.exp_avg).toHaveLength(3);
    expect(sd.state[0]!.step).toBe(1);
    expect(sd.paramGroups.map((g) => [g.params, g.lr])).toEqual([[[0], 1e-3], [[1], 0.5]]);
    opt.dispose();
    ps.forEach((p) => p.dispose());
  });

  it('restores hyperparameters from the snapshot, as torch does', () => {
    const e = all[1]!;
    const [p] = e.parameters([5]);
    const a = new SGD([p!], { lr: 0.1, momentum: 0.9 });
    a.step();
    const sd = a.stateDict();
    const b = new SGD([p!], { lr: 0.5, momentum: 0.9 });
    b.loadStateDict(sd);
    expect(b.paramGroups[0]!.lr).toBe(0.1);
    a.dispose();
    b.dispose();
    p!.dispose();
  });

  it('params that stepped a different number of times keep their own step counts', () => {
    const e = all[2]!;
    const ps = e.parameters([4, 4]);
    const a = new Adam([ps[0]!], { lr: 0.1 });
    a.step();
    a.step();
    const b = new Adam([ps[1]!], { lr: 0.1 });
    b.step();
    const both = new Adam(ps, { lr: 0.1 });
    both.loadStateDict({ state: { 0: a.stateDict().state[0]!, 1: b.stateDict().state[0]! }, paramGroups: both.stateDict().paramGroups });
    both.step();
    const st = both.stateDict().state;
    expect([st[0]!.step, st[1]!.step]).toEqual([3, 2]);
    for (const o of [a, b, both]) o.dispose();
    ps.forEach((p) => p.dispose());
  });
});

it('SGD: momentum switched on after the first step starts its buffer at the gradient, as torch', async () => {
  const e = all[0]!;
  const [p, q] = e.parameters([new Float32Array([1, 2, 3]), new Float32Array([1, 2, 3])]);
  const late = new SGD([p!], { lr: 0.1 });
  const fresh = new SGD([q!], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
  p!.grad.set([0.5, -1, 2]);
  late.step();
  q!.data.set(p!.data);
  late.paramGroups[0]!.momentum = 0.9;
  late.paramGroups[0]!.dampening = 0.5;
  for (const r of [p!, q!]) r.grad.set([1, 1, -4]);
  late.step();
  fresh.step();
  expect(Array.from(p!.data)).toEqual(Array.from(q!.data));
  expect(Array.from(late.stateDict().state[0]!.momentum_buffer as Float32Array)).toEqual([1, 1, -4]);
});
