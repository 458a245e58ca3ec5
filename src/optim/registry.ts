/**
 * Every optimizer by the lower-case name its reference library uses (`torch.optim.<Name>` or
 * `optax.<name>`), collected from the classes exported by `./index.ts` that carry a static
 * `registration`.
 */
import * as all from './index.js';
import type { Optimizer, ParamsInput } from './optimizer.js';
import type { Registration } from './registration.js';

export type { Registration };

/** What the registry looks for on an exported class: a static registration with its key. */
export interface Registered<K extends string = string> {
  /** The class's registration (see {@link Registration}). */
  readonly registration: Pick<Registration<never, K>, 'key'>;
}

/** The registry's type: each registration key (`'adam'`, `'sgd'`, …) to its class. */
export type OptimizerRegistry = {
  readonly [E in keyof typeof all as (typeof all)[E] extends Registered<infer K> ? K : never]: (typeof all)[E];
};
/**
 * Any registered class as one plain constructor type, for code that picks a class by a name known
 * only at run time: `new (OPTIMIZERS[name] as OptimizerClass)(params, options)`. (Calling `new` on
 * `OPTIMIZERS[name]` typed as the union of every class makes the compiler combine all their
 * option types, which grows out of hand as optimizers are added.)
 */
export type OptimizerClass = new (params: ParamsInput<Record<string, unknown>>, options?: Record<string, unknown>) => Optimizer<object>;

/** A key of {@link OPTIMIZERS}: `'sgd'`, `'adam'`, `'adamw'`, …. */
export type OptimizerName = keyof OptimizerRegistry;

function collect(): OptimizerRegistry {
  const out: Record<string, unknown> = {};
  for (const value of Object.values(all)) {
    if (typeof value !== 'function' || !Object.hasOwn(value, 'registration')) continue;
    const { key } = (value as unknown as { registration: Registration<unknown> }).registration;
    if (Object.hasOwn(out, key)) throw new Error(`wasm-optim: two optimizers registered as "${key}"`);
    out[key] = value;
  }
  return Object.freeze(out) as OptimizerRegistry;
}

/** Every optimizer class by the lower-case name of its reference (`torch.optim.<Name>`, `optax.<name>`), e.g. `new OPTIMIZERS.adam(params)`. */
export const OPTIMIZERS: OptimizerRegistry = collect();

/** The registration of every optimizer, by key. */
export function registrations(): Array<Registration<Record<string, unknown>>> {
  return Object.values(OPTIMIZERS).map((C) => (C as unknown as { registration: Registration<Record<string, unknown>> }).registration);
}
