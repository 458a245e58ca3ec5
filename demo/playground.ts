/**
 * Runs optimizers of the library on a 2-D test function: each optimizer gets its own
 * two-element parameter in one engine, and every step writes the analytic gradient into the
 * parameter's grad view and calls `step()` — the same loop a training script runs.
 */
import { type Engine, type Optimizer, OPTIMIZERS, type OptimizerName, type Parameter, registrations } from 'wasm-optim';
import type { TestFunction } from './functions.js';

export interface Trajectory {
  optimizer: string;
  path: Array<[number, number]>;
  losses: number[];
}

/** Default options for `name` on `fn`, from the optimizer's registration (its playground entry). */
export function defaultOptions(name: string, fn: TestFunction): Record<string, unknown> {
  const reg = registrations().find((r) => r.key === name);
  if (!reg) return { lr: fn.lr.adaptive };
  const { rate, scale = 1, options = {} } = reg.playground;
  return { lr: (rate === 'adaptive' ? fn.lr.adaptive : fn.lr.plain) * scale, ...options };
}

export function runTrajectories(
  engine: Engine,
  fn: TestFunction,
  choices: Array<{ optimizer: string; options?: Record<string, unknown> }>,
  steps: number,
): Trajectory[] {
  // A two-element parameter each, shaped as the optimizer's registration asks (Muon takes a 1×2 matrix).
  const regs = choices.map((c) => registrations().find((r) => r.key === c.optimizer));
  const params = engine.parameters(choices.map((_, i) => ({ shape: regs[i]?.shape?.(2, 0) ?? [2], data: fn.start })));
  try {
    const opts = choices.map((c, i) => {
      // One plain constructor type (`new` on the union of every class is costly to type-check).
      const Cls = OPTIMIZERS[c.optimizer as OptimizerName] as unknown as (new (params: Parameter[], options: unknown) => Optimizer<object>) | undefined;
      if (!Cls) throw new TypeError(`unknown optimizer "${c.optimizer}"`);
      return new Cls([params[i]!] as never, (c.options ?? defaultOptions(c.optimizer, fn)) as never); // `as never`, as in bench-panel.ts
    });
    const out: Trajectory[] = choices.map((c) => ({ optimizer: c.optimizer, path: [fn.start], losses: [fn.f(...fn.start)] }));
    for (let s = 0; s < steps; s++) {
      opts.forEach((opt, i) => {
        const p = params[i]!;
        // Writes the gradient at the current point and returns the loss there.
        const evaluate = () => {
          const [x, y] = p.data;
          const [gx, gy] = fn.grad(x!, y!);
          p.grad[0] = gx;
          p.grad[1] = gy;
          return fn.f(x!, y!);
        };
        // An optimizer that re-evaluates the loss within a step (LBFGS) gets it as the closure.
        if (regs[i]?.closure) opt.step(evaluate);
        else {
          evaluate();
          opt.step();
        }
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
