// Worker threads over shared memory: bit-identical to one thread, failures surface, dispose ends them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { KERNEL_TABLE, scalars } from '../src/wasm/kernel-table.js';
import { dispose, expectGuardsUntouched, expectSameParams, expectSameStates, firstBitDifference, rig, setGrads, stepTogether } from './helpers/lockstep.js';
import { optimizerCases } from './helpers/optimizer-table.js';

let single: Engine;
let threaded: Engine;
beforeAll(async () => {
  single = await createEngine({ backend: 'simd', initialBytes: 16 << 20 });
  // Threshold 0: every splittable call is cut, even a few elements.
  threaded = await createEngine({ backend: 'simd', initialBytes: 16 << 20, threads: 2, threadThreshold: 0 });
});
afterAll(() => {
  threaded.dispose();
});

const sgd = (negLr: number) => Object.assign(scalars('sgd_f32'), { gradSign: 1, l2: 0, negLr });

describe('threads', () => {
  it('the threaded engine has a worker and shared memory', () => {
    expect(threaded.threads).toBe(2);
    expect(threaded.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('the split is derived from the table: every elementwise kernel, no reduction or matrix product', () => {
    const split = KERNEL_TABLE.filter((e) => e.splittable).map((e) => e.name);
    // Every optimizer's update kernel (LAMB's moment pass is a reduction), and the elementwise helpers.
    for (const name of [
      'sgd_f32', 'sgd_momentum_f32', 'sgd_nesterov_f32', 'adam_f32', 'adam_amsgrad_f32', 'adagrad_f32', 'rmsprop_f32',
      'rmsprop_centered_f32', 'rmsprop_momentum_f32', 'rmsprop_centered_momentum_f32', 'adadelta_f32', 'adamax_f32',
      'nadam_f32', 'radam_f32', 'radam_unrectified_f32', 'rprop_f32', 'lion_f32', 'lamb_apply_f32', 'adabelief_f32',
      'roofline_f32', 'scale_f32', 'clamp_f32', 'axpby_f32', 'copy_f32', 'swap_f32', 'relu_f32', 'tanh_backward_f32',
    ]) {
      expect(split).toContain(name);
    }
    for (const name of ['lamb_moments_f32', 'sum_squares_f32', 'count_nonfinite_f32', 'matmul_f32', 'colsum_f32', 'mse_loss_f32', 'softmax_ce_loss_f32']) {
      expect(split).not.toContain(name);
    }
  });

  it('every optimizer gives the same bits as one thread, at random sizes (fast-check)', () => {
    const cases = optimizerCases();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 1e9 }), (ci, n, seed) => {
        const [name, options] = cases[ci]!;
        const sizes = [n, 1 + (seed % 40)];
        const a = rig(single, name, options, sizes, seed);
        const b = rig(threaded, name, options, sizes, seed);
        try {
          stepTogether([a, b], seed, 0, 4);
          expectSameParams(a, b, `${name} n=${n}`);
          expectSameStates(a.opt.stateDict().state, b.opt.stateDict().state, `${name} n=${n}`);
          expectGuardsUntouched(b, `${name} n=${n}`);
        } finally {
          dispose(a);
          dispose(b);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a kernel that faults in a worker surfaces as an Error on the caller', () => {
    const size = threaded.memory.buffer.byteLength;
    // 64 elements: the caller's half ends exactly at the end of memory, the worker's half is past it.
    expect(() => threaded.kernels.sgd_f32(size - 128, size - 128, 64, sgd(-0.1))).toThrow(/a kernel threw in worker 0/);
    // The pool is still usable afterwards.
    const [p] = threaded.parameters([new Float32Array(100).fill(1)]);
    p!.grad.fill(1);
    threaded.kernels.sgd_f32(p!.offset, p!.gradOffset, 100, sgd(-0.5));
    expect(p!.data.every((x) => x === 0.5)).toBe(true);
  });

  it('a crashed worker makes step() throw before anything changes; dispose ends the pool', async () => {
    const e = await createEngine({ threads: 2, threadThreshold: 0 });
    const r = rig(e, 'adam', { lr: 0.1 }, [1000], 5);
    setGrads(r, 5, 0);
    r.opt.step();
    const before = r.target[0]!.data.slice();
    const state = r.opt.stateDict();
    const worker = e.pool!.workers[0] as unknown as { terminate(): Promise<number>; once(ev: string, f: () => void): void };
    const exited = new Promise<void>((res) => worker.once('exit', res));
    await worker.terminate();
    await exited;
    expect(() => r.opt.step()).toThrow(/thread pool is unusable: worker 0 exited/);
    expect(firstBitDifference(r.target[0]!.data, before)).toBe(-1);
    expect(r.opt.stateDict()).toEqual(state);
    e.dispose();
    expect(() => r.opt.step()).toThrow(/disposed/);
  });

  it('dispose() ends every worker', async () => {
    const e = await createEngine({ threads: 3 });
    const exits = e.pool!.workers.map((w) => new Promise<void>((res) => (w as unknown as { once(ev: string, f: () => void): void }).once('exit', res)));
    e.dispose();
    await Promise.all(exits);
    expect(e.pool!.broken).toMatch(/disposed/);
  });

  it('rejects bad thread options', async () => {
    await expect(createEngine({ threads: 0 })).rejects.toThrow(RangeError);
    await expect(createEngine({ threads: 2.5 })).rejects.toThrow(/threads must be an integer/);
    await expect(createEngine({ threads: 2, backend: 'scalar' })).rejects.toThrow(/needs the "simd" backend/);
    await expect(createEngine({ threads: 2, threadThreshold: -1 })).rejects.toThrow(/threadThreshold/);
  });
});
