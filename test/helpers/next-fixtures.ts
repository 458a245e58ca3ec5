/**
 * The emulated reference trajectories of the next optimizers (fixtures/next/, format in its
 * README), and the checks the optimizers' own suites run against them and against the idiomatic
 * bench baselines.
 */
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/engine.js';
import type { IdiomaticFactory } from '../../src/cli/bench/idiomatic.js';
import { type OptimizerCase, toOptions } from '../../src/cli/conformance/optimizers.js';
import { loadCases } from '../../src/cli/conformance/run.js';
import { expectNear, type OptimizerClass, onAllBackends, seededValues } from './backends.js';

/** A case of fixtures/next: the conformance runner's format, with its tolerance always given. */
export type NextCase = OptimizerCase & { tolerance: { abs: number; rel: number } };

const FIXTURE = loadCases(fileURLToPath(new URL('../fixtures/next/optimizers-next.json.gz', import.meta.url))) as { cases: NextCase[] };

/** The cases of one optimizer, with their options in camelCase (as the conformance runner reads them) over `defaults`. */
export function nextCases<O>(optimizer: string, defaults: O): Array<NextCase & { resolved: O }> {
  return FIXTURE.cases
    .filter((c) => c.optimizer === optimizer)
    .map((c) => ({ ...c, resolved: { ...defaults, ...toOptions(c.options) } }));
}

/** Every step of every tensor within the case's tolerance: `actual[s][t]` against `expected[s][t]`. */
export function expectTrajectoryNear(actual: ArrayLike<number>[][], expected: ArrayLike<number>[][], c: NextCase, what: string): void {
  expected.forEach((row, s) => row.forEach((e, t) => expectNear(actual[s]![t]!, e, `${c.name}: ${what}, step ${s + 1} tensor ${t}`, c.tolerance.rel, c.tolerance.abs)));
}

/** Per-tensor float64 trajectories (`ref(p0, grads of that tensor)[s]`) regrouped as `[s][t]`. */
export function perTensor(c: NextCase, ref: (p0: number[], grads: number[][]) => number[][]): number[][][] {
  const byTensor = c.params.map((p0, t) => ref(p0, c.grads.map((gs) => gs[t]!)));
  return c.grads.map((_, s) => byTensor.map((tr) => tr[s]!));
}

/** Eight steps of the idiomatic baseline on 37 elements agree with the library to 1e-6 + 1e-4·|x|. */
export function expectIdiomaticAgrees<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>, make: IdiomaticFactory, options: Partial<O>, defaults: O): void {
  const grads = Array.from({ length: 8 }, (_, s) => [seededValues(70 + s, 37)]);
  const r = onAllBackends(engines, Cls, { options, init: [seededValues(3, 37)], grads });
  const p = seededValues(3, 37), g = new Float32Array(37);
  const mine = make(p, g, { ...defaults, ...options } as Record<string, unknown>);
  grads.forEach(([gs], s) => {
    g.set(gs!);
    mine.step();
    expectNear(p, r.params[s]![0]!, `idiomatic, step ${s + 1}`, 1e-4, 1e-6);
  });
}
