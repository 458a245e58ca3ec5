/**
 * Every optimizer by the lower-case name its reference library uses (`torch.optim.<Name>` or
 * `optax.<name>`), collected from the classes exported by `./index.ts` that carry a static
 * `registration`.
 */
import * as all from './index.js';
import type { Registration } from './registration.js';

export type { Registration };

type All = typeof all;
type KeyOf<C> = C extends { readonly registration: { readonly key: infer K extends string } } ? K : never;

/** The registry's type: each key to its class. */
export type OptimizerRegistry = { readonly [E in keyof All as KeyOf<All[E]>]: All[E] };
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

export const OPTIMIZERS: OptimizerRegistry = collect();

/** The registration of every optimizer, by key. */
export function registrations(): Array<Registration<Record<string, unknown>>> {
  return Object.values(OPTIMIZERS).map((C) => (C as unknown as { registration: Registration<Record<string, unknown>> }).registration);
}
