/**
 * What the toolkit's wrappers need from an optimizer: its engine, its param groups and `step()`.
 * Every `Optimizer` has these, and so do the wrappers themselves, so they compose:
 * `new GradientAccumulator(new NonFiniteGuard(adam), { steps: 4 })`.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';

/** What the toolkit's wrappers need from an optimizer: an `Optimizer`, or another wrapper, so they compose. */
export interface Steppable {
  /** The engine holding the parameters. */
  readonly engine: Engine;
  /** The param groups (only their parameters are read). */
  readonly paramGroups: ReadonlyArray<{
    /** The group's parameters. */
    readonly params: readonly Parameter[];
  }>;
  /** Updates the parameters from their gradients. */
  step(closure?: () => number): unknown;
  /** Sets every gradient to 0. */
  zeroGrad?(): void;
  /** True once disposed. */
  readonly disposed?: boolean;
}

/** Throws a TypeError naming `where` unless `x` looks like an optimizer. */
export function checkSteppable(x: unknown, where: string): asserts x is Steppable {
  const o = x as Partial<Steppable> | null;
  if (typeof o !== 'object' || o === null || typeof o.step !== 'function' || !Array.isArray(o.paramGroups) || typeof o.engine !== 'object') {
    throw new TypeError(`${where}: expected an optimizer (an object with engine, paramGroups and step())`);
  }
}

/** Every parameter of the optimizer, in group order; throws when one is disposed. */
export function paramsOf(opt: Steppable, where: string): Parameter[] {
  if (opt.disposed) throw new TypeError(`${where}: the optimizer has been disposed`);
  if (opt.engine.disposed) throw new TypeError(`${where}: the engine has been disposed`);
  const out: Parameter[] = [];
  for (const g of opt.paramGroups) {
    for (const p of g.params) {
      if (!(p instanceof Parameter)) throw new TypeError(`${where}: the optimizer holds something that is not a Parameter`);
      if (p.disposed) throw new TypeError(`${where}: a parameter has been disposed`);
      out.push(p);
    }
  }
  return out;
}

/** True when two parameter lists hold the same parameters in the same order. */
export function sameParams(a: readonly Parameter[], b: readonly Parameter[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/**
 * What {@link GradientAccumulator} and {@link NonFiniteGuard} share: the wrapped optimizer, whose
 * engine and param groups they forward, and whether the wrapper has been disposed.
 */
export abstract class SteppableWrapper implements Steppable {
  /** The wrapped optimizer. */
  readonly optimizer: Steppable;
  #disposed = false;

  protected constructor(optimizer: Steppable) {
    this.optimizer = optimizer;
  }

  /** The wrapped optimizer's engine. */
  get engine(): Engine {
    return this.optimizer.engine;
  }

  /** The wrapped optimizer's param groups. */
  get paramGroups(): Steppable['paramGroups'] {
    return this.optimizer.paramGroups;
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Updates the parameters from their gradients, through the wrapper. */
  abstract step(closure?: () => number): unknown;

  /** Marks the wrapper unusable; the optimizer is left as it is. */
  dispose(): void {
    this.#disposed = true;
  }
}
