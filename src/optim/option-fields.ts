/**
 * What the optimizers share at run time beyond their option types (options.ts): the checks and
 * defaults of lr, betas, eps and weightDecay, in the order they list them (the order of
 * `known: …` in an unknown-option error), spread first into each one's schema and defaults; and
 * the kernel scalars that Adam, NAdam and RAdam, Lion, AdaBelief, Adan and schedule-free AdamW, and Adadelta and RMSprop fill alike.
 * Not re-exported: the package exports only the types.
 */
import { betas, nonNegative } from '../validation/index.js';
import type { DecoupledOptions, MomentOptions } from './options.js';

type MomentFields = Required<Pick<MomentOptions, 'lr' | 'betas' | 'eps' | 'weightDecay'>>;

/** The checks of lr, betas, eps and weightDecay. */
export const MOMENT_SCHEMA = { lr: nonNegative, betas, eps: nonNegative, weightDecay: nonNegative } as const;

/** The defaults of lr (the optimizer's), betas [0.9, 0.999], eps 1e-8 and weightDecay 0: a fresh object each call. */
export function momentDefaults(lr: number): MomentFields {
  return { lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };
}

/** The kernel scalars of the moment updates that Adam, NAdam and RAdam share (assembly/moments.ts and the lines before it). */
export interface MomentScalars {
  gradSign: number;
  l2: number;
  decay: number;
  oneMinusB1: number;
  b2: number;
  oneMinusB2: number;
}

/** Fills `s` from resolved options: the gradient's sign, L2 or decoupled decay, 1 − β1, β2 and 1 − β2. */
export function setMomentScalars(s: MomentScalars, o: Required<DecoupledOptions>): void {
  const { lr, weightDecay: wd } = o;
  const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
  s.gradSign = o.maximize ? -1 : 1;
  s.l2 = o.decoupledWeightDecay ? 0 : wd;
  s.decay = o.decoupledWeightDecay ? 1 - lr * wd : 1;
  s.oneMinusB1 = 1 - b1;
  s.b2 = b2;
  s.oneMinusB2 = 1 - b2;
}

/** The kernel scalars of the optax-style decay rates that Lion, AdaBelief, Adan and schedule-free AdamW share. */
export interface DecayRateScalars {
  gradSign: number;
  oneMinusB1: number;
  b1: number;
  oneMinusB2: number;
  b2: number;
}

/** Fills `s` from resolved options: the gradient's sign, 1 − β1, β1, 1 − β2 and β2 (of the first two betas: Adan has three). */
export function setDecayRateScalars(s: DecayRateScalars, o: { readonly maximize: boolean; readonly betas: readonly [number, number, ...number[]] }): void {
  const b1 = o.betas[0], b2 = o.betas[1]; // not destructured: that allocates an iterator per step
  s.gradSign = o.maximize ? -1 : 1;
  s.oneMinusB1 = 1 - b1;
  s.b1 = b1;
  s.oneMinusB2 = 1 - b2;
  s.b2 = b2;
}

/** The kernel scalars that Adadelta and RMSprop fill alike around their decay rate. */
export interface PlainScalars {
  gradSign: number;
  l2: number;
  negLr: number;
  eps: number;
}

/** Fills `s` from resolved options: the gradient's sign, the L2 weight decay, −lr and eps. */
export function setPlainScalars(
  s: PlainScalars,
  o: { readonly maximize: boolean; readonly weightDecay: number; readonly lr: number; readonly eps: number },
): void {
  s.gradSign = o.maximize ? -1 : 1;
  s.l2 = o.weightDecay;
  s.negLr = -o.lr;
  s.eps = o.eps;
}
