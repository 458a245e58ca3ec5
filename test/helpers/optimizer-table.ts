/**
 * One table drives the cross-backend suites: for every registered optimizer, the option sets its
 * registration declares (together they reach every kernel and every option branch).
 */
import type { Engine } from '../../src/engine.js';
import type { Parameter } from '../../src/memory/parameter.js';
import type { ParameterSpec } from '../../src/memory/spec.js';
import { type OptimizerClass, OPTIMIZERS, type OptimizerName, type Registration, registrations } from '../../src/optim/registry.js';

export type OptionSet = Record<string, unknown>;

interface Declared {
  readonly key: string;
  readonly optionSets: ReadonlyArray<object>;
}

/** Option sets by registry key, straight from each optimizer's registration. */
export const OPTION_SETS: Record<string, OptionSet[]> = Object.fromEntries(registrations().map((r) => [r.key, r.optionSets.map((o) => ({ ...o }))]));

/**
 * [key, option set] for every key in `keys` and every option set its registration declares. A key
 * without a registration or without option sets throws: it must fail the suites, not drop out of them.
 */
export function casesOf(keys: readonly string[], declared: readonly Declared[]): Array<[string, OptionSet]> {
  return keys.flatMap((name) => {
    const sets = declared.find((r) => r.key === name)?.optionSets;
    if (!sets || sets.length === 0) throw new Error(`optimizer "${name}" declares no option sets in its registration`);
    return sets.map((s): [string, OptionSet] => [name, { ...s }]);
  });
}

/** [optimizer name, option set] for every registered optimizer and every option set it declares. */
export function optimizerCases(): Array<[string, OptionSet]> {
  return casesOf(Object.keys(OPTIMIZERS), registrations());
}

/** [label, name, options, index] rows for `describe.each`, the label naming the optimizer and its options. */
export function labelledCases(): Array<readonly [string, string, OptionSet, number]> {
  return optimizerCases().map(([name, o], k) => [`${name} ${JSON.stringify(o)}`, name, o, k] as const);
}

/** [name, its last option set] for every registered optimizer (the richest set, by convention). */
export function lastOptionSets(): Array<readonly [string, OptionSet]> {
  const cases = optimizerCases();
  return Object.keys(OPTIMIZERS).map((name) => [name, cases.filter(([n]) => n === name).at(-1)![1]] as const);
}

/** The registration of optimizer `name` (by registry key, or its class). */
export function registrationOf(name: string | object): Registration<Record<string, unknown>> {
  const Cls = typeof name === 'string' ? OPTIMIZERS[name as keyof typeof OPTIMIZERS] : name;
  const r = (Cls as { registration?: Registration<Record<string, unknown>> } | undefined)?.registration;
  if (r) return r;
  if (typeof name === 'string') throw new Error(`no registered optimizer ${JSON.stringify(name)}`);
  return { key: '', optionSets: [], playground: { rate: 'plain' } }; // a class of a test's own
}

/**
 * Parameter specs for optimizer `name`: tensor t (a length, or its values) shaped as the
 * registration asks (`registration.shape`), else left as given (1-D).
 */
export function specsFor(name: string | object, tensors: ReadonlyArray<number | ArrayLike<number>>): ParameterSpec[] {
  const shape = registrationOf(name).shape;
  return tensors.map((x, t) => {
    if (!shape) return typeof x === 'number' ? x : Float32Array.from(x);
    const n = typeof x === 'number' ? x : x.length;
    return typeof x === 'number' ? { shape: shape(n, t) } : { shape: shape(n, t), data: x };
  });
}

/** Parameters for optimizer `name` in `engine`, shaped as its registration asks. */
export function parametersFor(engine: Engine, name: string | object, tensors: ReadonlyArray<number | ArrayLike<number>>): Parameter[] {
  return engine.parameters(specsFor(name, tensors));
}

/** `opt.defaults` of optimizer `name` built with no options (over one 1-element parameter in `engine`). */
export function defaultsOf(engine: Engine, name: string): Record<string, unknown> {
  const [p] = parametersFor(engine, name, [1]);
  const opt = new (OPTIMIZERS[name as OptimizerName] as OptimizerClass)([p!]);
  const defaults = { ...(opt.defaults as Record<string, unknown>) };
  opt.dispose();
  p!.dispose();
  return defaults;
}

/**
 * For an optimizer whose registration asks for a closure (LBFGS), makes `opt.step()` pass one:
 * the loss f(p) = Σ base·p + ½·p² over `params`, where base is each gradient as set before
 * step() was called; the closure writes ∇f = base + p (float32) into every gradient. The same
 * values in give the same bits out on every backend. Other optimizers are left alone.
 */
export function withClosure<T extends { step(closure?: () => number): unknown }>(name: string | object, opt: T, params: readonly Parameter[]): T {
  if (!registrationOf(name).closure) return opt;
  const step = opt.step.bind(opt);
  opt.step = (closure?: () => number) => {
    if (closure) return step(closure);
    const base = params.map((p) => p.grad.slice());
    return step(() => {
      let loss = 0;
      params.forEach((p, t) => {
        const b = base[t]!, x = p.data, g = p.grad;
        for (let i = 0; i < x.length; i++) {
          loss += b[i]! * x[i]! + 0.5 * x[i]! * x[i]!;
          g[i] = b[i]! + x[i]!;
        }
      });
      return loss;
    });
  };
  return opt;
}
