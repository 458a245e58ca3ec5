/**
 * Loss functions for conformance cases of closure-driven optimizers (LBFGS): a case names one in
 * `function` instead of recording gradients, and each step's closure evaluates it over the case's
 * tensors as one flat vector x (tensor 0 first). The loss and the gradient are computed in float64
 * from the float32 parameters; the gradient is stored as float32.
 *
 * - `rosenbrock`: Σᵢ 100·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² over i < n − 1 (torch test_optim's
 *   `rosenbrock` for n = 2).
 * - `quadratic`: ½·Σᵢ (i + 1)·xᵢ² (a diagonal Hessian with distinct eigenvalues 1 … n).
 */
import type { Parameter } from '../../memory/parameter.js';

export type ObjectiveName = 'rosenbrock' | 'quadratic';

type Objective = (x: Float64Array, g: Float64Array) => number;

const OBJECTIVES: Record<ObjectiveName, Objective> = {
  rosenbrock: (x, g) => {
    let f = 0;
    g.fill(0);
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i]!, b = x[i + 1]!, r = b - a * a;
      f += 100 * r * r + (1 - a) * (1 - a);
      g[i]! += -400 * a * r - 2 * (1 - a);
      g[i + 1]! += 200 * r;
    }
    return f;
  },
  quadratic: (x, g) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      f += 0.5 * (i + 1) * x[i]! * x[i]!;
      g[i] = (i + 1) * x[i]!;
    }
    return f;
  },
};

/** The closure for `name` over `params`, or undefined for an unknown name. */
export function objectiveClosure(name: string, params: readonly Parameter[]): (() => number) | undefined {
  if (!Object.hasOwn(OBJECTIVES, name)) return undefined;
  const fn = OBJECTIVES[name as ObjectiveName];
  const n = params.reduce((s, p) => s + p.length, 0);
  const x = new Float64Array(n), g = new Float64Array(n);
  return () => {
    let o = 0;
    for (const p of params) (x.set(p.data, o), (o += p.length));
    const loss = fn(x, g);
    o = 0;
    for (const p of params) (p.grad.set(g.subarray(o, o + p.length)), (o += p.length));
    return loss;
  };
}
