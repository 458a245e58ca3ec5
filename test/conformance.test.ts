// Every recorded PyTorch / optax trajectory, on every backend.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { type OptimizerCase, runCase } from '../src/cli/conformance/optimizers.js';
import { loadCases } from '../src/cli/conformance/run.js';
import { Adam } from '../src/index.js';
import { BACKENDS, engines } from './helpers/lockstep.js';

const fixture = loadCases(fileURLToPath(new URL('./fixtures/optimizers.json.gz', import.meta.url))) as { cases: OptimizerCase[] };

let all: Engine[];
beforeAll(async () => {
  all = await engines();
});

describe('reference trajectories (torch 2.11 / optax 0.2.8)', () => {
  it('holds all 71 public cases', () => {
    expect(fixture.cases).toHaveLength(71);
  });

  describe.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it.each(BACKENDS.map((b, i) => [b, i] as const))('on %s', (_b, i) => {
      expect(runCase(c, all[i]!)).toEqual([]);
    });
  });
});

const next = loadCases(fileURLToPath(new URL('./fixtures/next/optimizers-next.json.gz', import.meta.url))) as { cases: OptimizerCase[] };

describe('emulated references for the nine newest optimizers (test/fixtures/next)', () => {
  it('holds all 41 cases, each with shapes and a tolerance, for eight optimizers', () => {
    expect(next.cases).toHaveLength(41);
    expect(new Set(next.cases.map((c) => c.optimizer))).toEqual(new Set(['adafactor', 'asgd', 'muon', 'adan', 'yogi', 'lars', 'novograd', 'schedule_free_adamw']));
    for (const c of next.cases) expect(c.shapes && c.tolerance, c.name).toBeTruthy();
  });

  describe.each(next.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it.each(BACKENDS.map((b, i) => [b, i] as const))('on %s', (_b, i) => {
      expect(runCase(c, all[i]!)).toEqual([]);
    });
  });
});

describe('the extended fixture format (shapes, per-case tolerance, expected_state)', () => {
  /** One Adam case whose expectations come from a run of the library itself on the js backend. */
  function selfCase(): OptimizerCase {
    const params = [[0.5, -1, 2, 0.25, -0.75, 1.5], [3, -2]];
    const grads = [0, 1, 2].map((s) => params.map((p) => p.map((_, i) => Math.fround(Math.sin(s * 7 + i)))));
    const engine = all[2]!;
    const ps = engine.parameters([{ shape: [2, 3], data: params[0]! }, { shape: [2], data: params[1]! }]);
    const opt = new Adam(ps, { lr: 0.1 });
    const expected: number[][][] = [];
    const expAvg: number[][][] = [];
    for (const g of grads) {
      g.forEach((x, t) => ps[t]!.grad.set(x));
      opt.step();
      expected.push(ps.map((p) => Array.from(p.data)));
      const st = opt.stateDict().state;
      expAvg.push(ps.map((_, t) => Array.from(st[t]!.exp_avg as Float32Array)));
    }
    opt.dispose();
    ps.forEach((p) => p.dispose());
    return { name: 'self', optimizer: 'adam', options: { lr: 0.1 }, tensors: [6, 2], shapes: [[2, 3], [2]], params, grads, expected, expected_state: { exp_avg: expAvg } };
  }

  it('passes a case that matches, with shapes and expected_state, on every backend', () => {
    const c = selfCase();
    for (const e of all) expect(runCase(c, e)).toEqual([]);
  });

  it('fails a case whose expected_state is off, naming the value, the step and the tensor', () => {
    const c = selfCase();
    c.expected_state!.exp_avg![1]![0]![4]! += 1e-3;
    expect(runCase(c, all[0]!).join('\n')).toMatch(/step 2 tensor 0 exp_avg \[4\]: got .*, expected/);
    c.expected_state = { no_such_buffer: c.expected_state!.exp_avg! };
    expect(runCase(c, all[0]!).join('\n')).toMatch(/no buffer "no_such_buffer"/);
  });

  it('uses the case’s tolerance instead of the default', () => {
    const c = selfCase();
    c.expected[0]![1]![0]! += 1e-4;
    expect(runCase(c, all[1]!)).not.toEqual([]);
    expect(runCase({ ...c, tolerance: { abs: 2e-4, rel: 0 } }, all[1]!)).toEqual([]);
  });

  it('refuses shapes that do not match the tensors', () => {
    const c = selfCase();
    expect(runCase({ ...c, shapes: [[3, 3], [2]] }, all[2]!).join('')).toMatch(/shapes .* do not match/);
  });
});
