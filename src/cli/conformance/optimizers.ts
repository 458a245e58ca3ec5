/**
 * Conformance of the optimizers against reference trajectories (`optimizers.json.gz`, layout in
 * test/fixtures/README.md, and the extended format of test/fixtures/next/README.md): every case on
 * every backend; a case passes when every element after every step — parameters, and the values
 * named in `expected_state` — is within |a − e| ≤ abs + rel·|e| on all backends (the case's
 * `tolerance`, else 1e-6 and 1e-5). A parameter with `shapes[t]` is made with that shape.
 */
import { type Backend, createEngine, type Engine } from '../../engine.js';
import type { Parameter } from '../../memory/parameter.js';
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
  /** Per tensor `[rows, cols]` or `[n]`; data stays flat, row-major. */
  shapes?: number[][];
  /** This case's tolerance (default {@link ATOL}, {@link RTOL}). */
  tolerance?: { abs: number; rel: number };
  /** Values after each step that are not the parameters: `{ name: [step][tensor][element] }`. */
  expected_state?: Record<string, number[][][]>;
}

/** What `expected_state` names and how to read it after a step (anything else: that entry of the state dict). */
const STATE_READERS: Record<string, (opt: ConformanceOptimizer, params: readonly Parameter[]) => Float32Array[]> = {
  /** Schedule-free's evaluation point x: swap to it, read, swap back (bit-exact). */
  eval_params: (opt, params) => {
    if (typeof opt.evalParams !== 'function' || typeof opt.trainParams !== 'function') throw new TypeError('the optimizer has no evalParams()/trainParams()');
    opt.evalParams();
    const x = params.map((p) => p.data.slice());
    opt.trainParams();
    return x;
  },
};

interface ConformanceOptimizer {
  step(): unknown;
  dispose(): void;
  stateDict(): { state: Record<number, Record<string, number | Float32Array>> };
  evalParams?(): void;
  trainParams?(): void;
}

/** The value `name` of every tensor after a step. */
function readState(opt: ConformanceOptimizer, params: readonly Parameter[], name: string): Float32Array[] {
  const reader = STATE_READERS[name];
  if (reader) return reader(opt, params);
  const { state } = opt.stateDict();
  return params.map((_, t) => {
    const v = state[t]?.[name];
    if (!(v instanceof Float32Array)) throw new TypeError(`the state of tensor ${t} has no buffer "${name}"`);
    return v;
  });
}

/** Failures of `got` against `expected` (at most `room`), labelled with `what`. */
function compare(got: ArrayLike<number>, expected: readonly number[], tol: { abs: number; rel: number }, what: string, room: number): string[] {
  const out: string[] = [];
  if (got.length !== expected.length) return [`${what}: ${got.length} values, expected ${expected.length}`];
  for (let i = 0; i < expected.length && out.length < room; i++) {
    const e = expected[i]!;
    const a = got[i]!;
    if (!(Math.abs(a - e) <= tol.abs + tol.rel * Math.abs(e))) out.push(`${what} [${i}]: got ${a}, expected ${e}`);
  }
  return out;
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
  const tol = c.tolerance ?? { abs: ATOL, rel: RTOL };
  const shapes = c.shapes;
  if (shapes && (shapes.length !== c.params.length || shapes.some((sh, t) => sh.reduce((a, b) => a * b, 1) !== c.params[t]!.length))) {
    return [`shapes ${JSON.stringify(shapes)} do not match the tensors' lengths`];
  }
  const params = engine.parameters(c.params.map((p, t) => (shapes ? { shape: shapes[t]!, data: p } : Float32Array.from(p))));
  let opt: ConformanceOptimizer | undefined;
  try {
    const input = c.groups
      ? c.groups.map((g) => ({ params: g.tensors.map((i) => params[i]!), ...toOptions(g.options) }))
      : params;
    opt = new Cls(input as never, toOptions(c.options) as never) as unknown as ConformanceOptimizer;
    const at = (s: number, t: number) => `[${engine.backend}] step ${s + 1} tensor ${t}`;
    for (let s = 0; s < c.grads.length; s++) {
      c.grads[s]!.forEach((g, t) => params[t]!.grad.set(g));
      opt.step();
      for (let t = 0; t < params.length && failures.length < maxFailures; t++) {
        failures.push(...compare(params[t]!.data, c.expected[s]![t]!, tol, at(s, t), maxFailures - failures.length));
      }
      for (const [name, values] of Object.entries(c.expected_state ?? {})) {
        const got = readState(opt, params, name);
        for (let t = 0; t < params.length && failures.length < maxFailures; t++) {
          failures.push(...compare(got[t]!, values[s]![t]!, tol, `${at(s, t)} ${name}`, maxFailures - failures.length));
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
