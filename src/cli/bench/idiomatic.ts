/// <reference types="node" />
import { readdirSync } from 'node:fs';
/**
 * The baseline: what a JavaScript user writes without this library. Plain `Float32Array`s,
 * one loop per step, the update rule as the paper states it, arithmetic in f64 (JS numbers)
 * stored back into float32 arrays, per-step scalars (bias corrections) hoisted out of the loop
 * as any careful programmer would. No `Math.fround`, no SIMD, no WebAssembly.
 *
 * Hyperparameters come from the library optimizer's resolved param group, so both sides run
 * the same update; `test/bench-idiomatic.test.ts` checks that they agree to float tolerance.
 */

/** A hand-written optimizer over one parameter array and its gradient. */
export interface IdiomaticOptimizer {
  step(): void;
}

/** Resolved hyperparameters (the library optimizer's param group, without `params`). */
export type Hyper = Record<string, unknown>;

export type IdiomaticFactory = (p: Float32Array, g: Float32Array, h: Hyper) => IdiomaticOptimizer;

const num = (h: Hyper, key: string, fallback: number): number => (typeof h[key] === 'number' ? (h[key] as number) : fallback);
const pair = (h: Hyper, key: string, fallback: [number, number]): [number, number] =>
  Array.isArray(h[key]) ? (h[key] as [number, number]) : fallback;

/**
 * Adam as in Kingma & Ba, Algorithm 1 (torch's default: no weight decay), or with `decoupled`
 * AdamW (Loshchilov & Hutter, Algorithm 2): decay the weight, then the Adam update.
 */
const adamFamily =
  (decoupled: boolean): IdiomaticFactory =>
  (p, g, h) => {
    const lr = num(h, 'lr', 1e-3), eps = num(h, 'eps', 1e-8), wd = num(h, 'weightDecay', decoupled ? 1e-2 : 0);
    if (!decoupled && wd !== 0) throw new RangeError('idiomatic adam: weightDecay must be 0');
    const [b1, b2] = pair(h, 'betas', [0.9, 0.999]);
    const m = new Float32Array(p.length), v = new Float32Array(p.length);
    let t = 0;
    return {
      step() {
        t++;
        const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
        const decay = 1 - lr * wd;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]!;
          const mi = b1 * m[i]! + (1 - b1) * gi;
          const vi = b2 * v[i]! + (1 - b2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          const mHat = mi / bc1;
          const vHat = vi / bc2;
          p[i] = p[i]! * decay - (lr * mHat) / (Math.sqrt(vHat) + eps);
        }
      },
    };
  };

/** SGD with momentum, torch's form: b ← μ·b + g, p ← p − lr·b (b starts at 0, so b₁ = g). */
const sgdMomentum: IdiomaticFactory = (p, g, h) => {
  const lr = num(h, 'lr', 1e-2), mu = num(h, 'momentum', 0.9);
  const b = new Float32Array(p.length);
  return {
    step() {
      for (let i = 0; i < p.length; i++) {
        const bi = mu * b[i]! + g[i]!;
        b[i] = bi;
        p[i] = p[i]! - lr * bi;
      }
    },
  };
};

/** RMSprop (Hinton's lecture 6e, torch defaults): v ← α·v + (1 − α)·g², p ← p − lr·g/(√v + ε). */
const rmsprop: IdiomaticFactory = (p, g, h) => {
  const lr = num(h, 'lr', 1e-2), alpha = num(h, 'alpha', 0.99), eps = num(h, 'eps', 1e-8);
  const v = new Float32Array(p.length);
  return {
    step() {
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const vi = alpha * v[i]! + (1 - alpha) * gi * gi;
        v[i] = vi;
        p[i] = p[i]! - (lr * gi) / (Math.sqrt(vi) + eps);
      }
    },
  };
};

/** Adagrad (Duchi et al., 2011): s ← s + g², p ← p − lr·g/(√s + ε). */
const adagrad: IdiomaticFactory = (p, g, h) => {
  const lr = num(h, 'lr', 1e-2), eps = num(h, 'eps', 1e-10), init = num(h, 'initialAccumulatorValue', 0);
  const s = new Float32Array(p.length).fill(init);
  return {
    step() {
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const si = s[i]! + gi * gi;
        s[i] = si;
        p[i] = p[i]! - (lr * gi) / (Math.sqrt(si) + eps);
      }
    },
  };
};

/** Lion (Chen et al., 2023): p ← p − lr·(sign(β1·m + (1 − β1)·g) + λ·p), m ← β2·m + (1 − β2)·g. */
const lion: IdiomaticFactory = (p, g, h) => {
  const lr = num(h, 'lr', 1e-4), wd = num(h, 'weightDecay', 0);
  const [b1, b2] = pair(h, 'betas', [0.9, 0.99]);
  const m = new Float32Array(p.length);
  return {
    step() {
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!, mi = m[i]!, pi = p[i]!;
        const c = b1 * mi + (1 - b1) * gi;
        p[i] = pi - lr * (Math.sign(c) + wd * pi);
        m[i] = b2 * mi + (1 - b2) * gi;
      }
    },
  };
};

/**
 * Hand-written loops by benchmark case name: these, and one file per further optimizer in
 * `./idiomatic/<case>.ts` (its default export), found by name, so adding one edits no list here.
 */
export const IDIOMATIC: Record<string, IdiomaticFactory> = {
  adam: adamFamily(false),
  adamw: adamFamily(true),
  'sgd-momentum': sgdMomentum,
  rmsprop,
  adagrad,
  lion,
};

const DIR = new URL('./idiomatic/', import.meta.url);
const FILE = /^([a-z0-9_-]+)\.(?:ts|js)$/;

/** Names of the cases with a hand-written loop: those of {@link IDIOMATIC} and the files in `./idiomatic/`. */
export function idiomaticNames(): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(DIR).filter((f) => !f.endsWith('.d.ts'));
  } catch {
    // No folder (a build without it): only the loops above.
  }
  const named = files.map((f) => FILE.exec(f)?.[1]).filter((x): x is string => x !== undefined && !Object.hasOwn(IDIOMATIC, x));
  return [...Object.keys(IDIOMATIC), ...new Set(named)];
}

/** The hand-written loop of case `name`, or undefined when it has none. */
export async function idiomaticFor(name: string): Promise<IdiomaticFactory | undefined> {
  if (Object.hasOwn(IDIOMATIC, name)) return IDIOMATIC[name];
  if (!idiomaticNames().includes(name)) return undefined;
  const mod = (await import(new URL(`${name}.js`, DIR).href)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new TypeError(`bench: idiomatic/${name} has no default export (an IdiomaticFactory)`);
  return mod.default as IdiomaticFactory;
}
