/**
 * Conformance of the optimizers against recorded reference trajectories (`optimizers.json.gz`,
 * layout in test/fixtures/README.md): every case on every backend; a case passes when every
 * element after every step is within |a − e| ≤ 1e-6 + 1e-5·|e| on all backends.
 */
import { type Backend, createEngine, type Engine } from '../../engine.js';
import { OPTIMIZERS, type OptimizerName } from '../../optim/registry.js';

export interface OptimizerCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  tensors: number[];
  params: number[][];
  grads: number[][][];
  expected: number[][][];
  groups?: Array<{ tensors: number[]; options?: Record<string, unknown> }>;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  /** Why it failed: backend, step, tensor, element, values. */
  failures: string[];
}

export const ATOL = 1e-6;
export const RTOL = 1e-5;

/** Implementation flags of torch that change nothing numerically. */
const IGNORED = new Set(['foreach', 'fused', 'capturable', 'differentiable']);

/** Torch/optax argument names (snake_case) to ours (camelCase). */
export function toOptions(options: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (IGNORED.has(k) && (v === false || v === null)) continue;
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return out;
}

/** Runs one case on one engine; returns failure descriptions (empty when it conforms). */
export function runCase(c: OptimizerCase, engine: Engine, maxFailures = 3): string[] {
  const failures: string[] = [];
  const Cls = OPTIMIZERS[c.optimizer as OptimizerName];
  if (!Cls) return [`unknown optimizer "${c.optimizer}"`];
  const params = engine.parameters(c.params.map((p) => Float32Array.from(p)));
  let opt;
  try {
    const input = c.groups
      ? c.groups.map((g) => ({ params: g.tensors.map((i) => params[i]!), ...toOptions(g.options) }))
      : params;
    opt = new Cls(input as never, toOptions(c.options) as never);
    for (let s = 0; s < c.grads.length; s++) {
      c.grads[s]!.forEach((g, t) => params[t]!.grad.set(g));
      opt.step();
      for (let t = 0; t < params.length && failures.length < maxFailures; t++) {
        const got = params[t]!.data;
        const exp = c.expected[s]![t]!;
        for (let i = 0; i < exp.length; i++) {
          const e = exp[i]!;
          const a = got[i]!;
          if (!(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e))) {
            failures.push(`[${engine.backend}] step ${s + 1} tensor ${t} [${i}]: got ${a}, expected ${e}`);
            if (failures.length >= maxFailures) break;
          }
        }
      }
      if (failures.length) break;
    }
  } catch (e) {
    failures.push(`[${engine.backend}] threw ${(e as Error).stack ?? String(e)}`);
  } finally {
    opt?.dispose();
    for (const p of params) p.dispose();
  }
  return failures;
}

export const ALL_BACKENDS: readonly Backend[] = ['simd', 'scalar', 'js'];

/** Runs every case on every backend. */
export async function runOptimizerConformance(
  cases: readonly OptimizerCase[],
  backends: readonly Backend[] = ALL_BACKENDS,
): Promise<CaseResult[]> {
  const engines = await Promise.all(backends.map((backend) => createEngine({ backend, initialBytes: 4 << 20 })));
  return cases.map((c) => {
    const failures = engines.flatMap((e) => runCase(c, e));
    return { name: c.name, passed: failures.length === 0, failures };
  });
}
