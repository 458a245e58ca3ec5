/**
 * Runs optimizers of the library on a 2-D test function: each optimizer gets its own
 * two-element parameter in one engine, and every step writes the analytic gradient into the
 * parameter's grad view and calls `step()` — the same loop a training script runs.
 */
import { type Engine, OPTIMIZERS, type OptimizerName } from 'wasm-optim';
import type { TestFunction } from './functions.js';

export interface Trajectory {
  optimizer: string;
  path: Array<[number, number]>;
  losses: number[];
}

/** Optimizers whose step size does not scale with the gradient. */
const ADAPTIVE = new Set(['adam', 'adamw', 'adagrad', 'rmsprop', 'adamax', 'nadam', 'radam', 'lion', 'lamb', 'adabelief', 'adadelta', 'rprop']);

/** Default options for `name` on `fn` (momentum methods get momentum 0.9). */
export function defaultOptions(name: string, fn: TestFunction): Record<string, unknown> {
  const lr = ADAPTIVE.has(name) ? fn.lr.adaptive : fn.lr.plain;
  if (name === 'adadelta') return { lr: 1 };
  // RAdam's first steps are un-normalised momentum steps: use the plain rate there.
  if (name === 'radam') return { lr: fn.lr.plain * 5 };
  if (name === 'lion') return { lr: lr / 5, weightDecay: 0 };
  if (name === 'lamb') return { lr };
  if (name === 'adamw') return { lr, weightDecay: 0 };
  if (name === 'sgd') return { lr, momentum: 0.9 };
  return { lr };
}

export function runTrajectories(
  engine: Engine,
  fn: TestFunction,
  choices: Array<{ optimizer: string; options?: Record<string, unknown> }>,
  steps: number,
): Trajectory[] {
  const params = engine.parameters(choices.map(() => new Float32Array(fn.start)));
  try {
    const opts = choices.map((c, i) => {
      const Cls = OPTIMIZERS[c.optimizer as OptimizerName];
      if (!Cls) throw new TypeError(`unknown optimizer "${c.optimizer}"`);
      return new Cls([params[i]!], (c.options ?? defaultOptions(c.optimizer, fn)) as never);
    });
    const out: Trajectory[] = choices.map((c) => ({ optimizer: c.optimizer, path: [fn.start], losses: [fn.f(...fn.start)] }));
    for (let s = 0; s < steps; s++) {
      opts.forEach((opt, i) => {
        const p = params[i]!;
        const [x, y] = p.data;
        const [gx, gy] = fn.grad(x!, y!);
        p.grad[0] = gx;
        p.grad[1] = gy;
        opt.step();
        const [nx, ny] = p.data;
        out[i]!.path.push([nx!, ny!]);
        out[i]!.losses.push(fn.f(nx!, ny!));
      });
    }
    opts.forEach((o) => o.dispose());
    return out;
  } finally {
    params.forEach((p) => p.dispose());
  }
}
