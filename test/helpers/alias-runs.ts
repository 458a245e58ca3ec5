/**
 * optax's `alias_test.py` `test_optimization`, ported: 10000 steps from the upstream start on the
 * parabola Σ(p − [1, −1, 1])² and on Rosenbrock (a = 1, b = 100) from [0, 0]; the result must be
 * within 3e-2 + 3e-2·|e| of the minimum, and every engine must give the same bits.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { OptimizerClass } from './backends.js';
import { expectBits, expectNear } from './backends.js';

/** `steps` steps of `grad` from `init` on every engine; expects the same bits on all; returns the result. */
function minimize<O extends object>(
  engines: readonly Engine[], Cls: OptimizerClass<O>, options: Partial<O>, init: number[], grad: (x: Float32Array) => number[], steps: number,
): Float32Array {
  const finals = engines.map((e) => {
    const [w] = e.parameters([Float32Array.from(init)]);
    const opt = new Cls([w!], options);
    for (let s = 0; s < steps; s++) {
      w!.grad.set(grad(w!.data));
      opt.step();
    }
    const out = w!.data.slice();
    opt.dispose();
    w!.dispose();
    return out;
  });
  finals.forEach((x, k) => expectBits(x, finals[finals.length - 1]!, `${engines[k]!.backend}`));
  return finals[finals.length - 1]!;
}

/** Runs both upstream targets with `options` (optax's `opt_kwargs`). */
export function expectAliasTestSolves<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>, options: Partial<O>): void {
  const target = [1, -1, 1];
  const parabola = minimize(engines, Cls, options, [-1, 10, 1], (x) => Array.from(x, (v, i) => 2 * (v - target[i]!)), 10000);
  expectNear(parabola, target, 'parabola', 3e-2, 3e-2);
  const rosen = minimize(engines, Cls, options, [0, 0], ([x, y]) => [-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)], 10000);
  expectNear(rosen, [1, 1], 'rosenbrock', 3e-2, 3e-2);
  expect(parabola.every(Number.isFinite) && rosen.every(Number.isFinite)).toBe(true);
}
