/**
 * The checks and defaults of the fields of {@link MomentOptions} (options.ts), in the order the
 * optimizers list them (the order of `known: …` in an unknown-option error), spread first into
 * each optimizer's schema and defaults. Not re-exported: the package exports only the types.
 */
import { betas, nonNegative } from '../validation/index.js';
import type { MomentOptions } from './options.js';

type MomentFields = Required<Pick<MomentOptions, 'lr' | 'betas' | 'eps' | 'weightDecay'>>;

/** The checks of lr, betas, eps and weightDecay. */
export const MOMENT_SCHEMA = { lr: nonNegative, betas, eps: nonNegative, weightDecay: nonNegative } as const;

/** The defaults of lr (the optimizer's), betas [0.9, 0.999], eps 1e-8 and weightDecay 0: a fresh object each call. */
export function momentDefaults(lr: number): MomentFields {
  return { lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };
}
