// The torch call parser of the scheduler conformance runner: positional and keyword arguments in
// torch's order, Python lambdas and arithmetic, and the errors Python would raise.
import { describe, expect, it } from 'vitest';
import { buildScheduler } from '../src/cli/conformance/schedulers.js';
import type { LRScheduler } from '../src/schedule/index.js';
import { parse, evaluate, BUILTINS } from '../src/cli/conformance/pyexpr.js';

type Group = { lr: number; momentum?: number };

describe('the torch call parser', () => {
  const run = (call: string, steps: number, group: Group = { lr: 0.1, momentum: 0.9 }): number[] => {
    const o = { paramGroups: [{ ...group }] };
    const s = buildScheduler(call, o) as LRScheduler;
    const out = [o.paramGroups[0]!.lr];
    for (let k = 0; k < steps; k++) (s.step(), out.push(o.paramGroups[0]!.lr));
    return out;
  };

  it('maps positional arguments in torch order and keywords by name', () => {
    expect(run('StepLR(3, 0.5)', 6)).toEqual(run('StepLR(step_size=3, gamma=0.5)', 6));
    expect(run('StepLR(optimizer, 3, gamma=0.5)', 6)).toEqual(run('StepLR(step_size=3, gamma=0.5)', 6));
    expect(run('CosineAnnealingLR(7, 0.01)', 9)).toEqual(run('CosineAnnealingLR(T_max=7, eta_min=0.01)', 9));
    expect(run("CyclicLR(0.001, 0.01, 4, None, 'triangular2')", 9)).toEqual(run("CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=4, mode='triangular2')", 9));
    expect(run('torch.optim.lr_scheduler.ExponentialLR(gamma=0.5)', 2)).toEqual([0.1, 0.05, 0.025]);
  });

  it('evaluates lambdas with Python arithmetic', () => {
    expect(run('LambdaLR(lambda epoch: epoch // 2 * 0.5)', 4)).toEqual([0, 0, 0.05, 0.05, 0.1]);
    expect(run('MultiplicativeLR(lr_lambda=lambda e: 0.5 if e % 2 == 1 else 1.0)', 4)).toEqual([0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(run('LambdaLR(lambda e: min(1.0, (e + 1) / 4) * math.cos(0))', 4)).toEqual([0.25, 0.5, 0.75, 1, 1].map((f) => 0.1 * f));
  });

  it('rejects what torch would reject', () => {
    expect(() => run('StepLR(3, 0.5, -1, 7)', 1)).toThrow(TypeError);
    expect(() => run('StepLR(3, stepsize=2)', 1)).toThrow(/unexpected keyword argument 'stepsize'/);
    expect(() => run('StepLR(3, step_size=2)', 1)).toThrow(/multiple values/);
    expect(() => run('NoSuchLR(3)', 1)).toThrow(/not defined/);
    expect(() => run('StepLR(step_size=3', 1)).toThrow(SyntaxError);
  });
});

describe('Python expressions', () => {
  const py = (src: string) => evaluate(parse(src), BUILTINS);
  it('follows Python arithmetic', () => {
    expect(py('-7 // 2')).toBe(-4);
    expect(py('-7 % 3')).toBe(2);
    expect(py('7 % -3')).toBe(-2);
    expect(py('2 ** -1')).toBe(0.5);
    expect(py('-2 ** 2')).toBe(-4);
    expect(py('2 ** 3 ** 2')).toBe(512);
    expect(py('1 < 2 < 3')).toBe(true);
    expect(py('1 < 3 < 2')).toBe(false);
    expect(py('round(2.5) + round(3.5)')).toBe(6);
    expect(py("float('-inf') < -1e308")).toBe(true);
    expect(py('[0.1] * 2 + [1e-3]')).toEqual([0.1, 0.1, 0.001]);
    expect(py('(1, 2.5, None, True)')).toEqual([1, 2.5, null, true]);
    expect(py("'a' 'b' + \"c\"")).toBe('abc');
    expect(py('(lambda x, y: x if x > y else y)(3, 4)')).toBe(4);
    expect(py('not 0 and 1_000')).toBe(1000);
    expect(py('math.log(8, 2) + math.pi * 0')).toBe(3);
  });
  it('raises where Python raises', () => {
    expect(() => py('1 / 0')).toThrow(RangeError);
    expect(() => py('1 +')).toThrow(SyntaxError);
    expect(() => py('f(x=1, 2)')).toThrow(SyntaxError);
    expect(() => py('undefined_name')).toThrow(ReferenceError);
    expect(() => py('(lambda x: x)(1, 2)')).toThrow(TypeError);
  });
});
