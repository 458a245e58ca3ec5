/**
 * Momentum cycling shared by OneCycleLR and CyclicLR: as torch does, an optimizer whose defaults
 * have `betas` (Adam-like) gets `betas[0]` cycled, one with `momentum` (SGD-like) gets `momentum`
 * cycled. A plain object without `defaults` is judged by its first param group.
 */
import { bool, type Check, nonNegative, nullable, perGroup, perGroupValues, scalarOrPerGroup, type Spec } from '../validation/index.js';
import type { SchedulableGroup, SchedulableOptimizer } from './base.js';

export type MomentumKey = 'momentum' | 'betas';

/** The momentum options OneCycleLR and CyclicLR share (each class documents its own defaults). */
export interface MomentumOptions {
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
}

/** How both schedulers check {@link MomentumOptions}. */
export const MOMENTUM_SPEC: Spec<MomentumOptions> = {
  cycleMomentum: bool,
  baseMomentum: scalarOrPerGroup(nonNegative),
  maxMomentum: scalarOrPerGroup(nonNegative),
};

/** How both schedulers check the saved {@link MomentumFields} of a state they load. */
export const MOMENTUM_FIELDS: Record<keyof MomentumFields, Check> = {
  cycleMomentum: bool,
  useBeta1: bool,
  baseMomentums: nullable(perGroup(nonNegative)),
  maxMomentums: nullable(perGroup(nonNegative)),
};

/** Which entry to cycle; throws a TypeError naming `cycleMomentum` when there is none. */
export function momentumKey(optimizer: SchedulableOptimizer, where: string): MomentumKey {
  const d = optimizer.defaults;
  const probe = typeof d === 'object' && d !== null ? d : optimizer.paramGroups[0]!;
  const key: MomentumKey | null = 'betas' in probe ? 'betas' : 'momentum' in probe ? 'momentum' : null;
  if (!key) {
    throw new TypeError(`${where}: cycleMomentum needs an optimizer with momentum or betas (pass cycleMomentum: false to cycle the lr only)`);
  }
  if (key === 'betas') {
    optimizer.paramGroups.forEach((g, i) => {
      if (!Array.isArray(g.betas) || g.betas.length !== 2) {
        throw new TypeError(`${where}: cycleMomentum cycles betas[0], but param group ${i} has no betas pair`);
      }
    });
  }
  return key;
}

/** Writes a momentum value: `momentum`, or `betas[0]` (a new pair, as torch builds a new tuple). */
export function setMomentum(group: SchedulableGroup, key: MomentumKey, value: number): void {
  if (key === 'betas') group.betas = [value, group.betas![1]];
  else group.momentum = value;
}

/** The entry a loaded state cycles: `betas` (β1) or `momentum`, or none. */
export function cycledKey(cycleMomentum: boolean, useBeta1: boolean): MomentumKey | null {
  return cycleMomentum ? (useBeta1 ? 'betas' : 'momentum') : null;
}

/** Checks a saved state that cycles momentum: both ranges present, and something to cycle. */
export function checkMomentumState(d: Record<string, unknown>, optimizer: SchedulableOptimizer, where: string): void {
  if (d.cycleMomentum !== true) return;
  if (d.baseMomentums === null || d.maxMomentums === null) throw new TypeError(`${where}: cycleMomentum needs baseMomentums and maxMomentums`);
  momentumKey(optimizer, where);
}

/** The momentum fields OneCycleLR and CyclicLR keep (each class documents its own). */
export interface MomentumFields {
  cycleMomentum: boolean;
  useBeta1: boolean;
  baseMomentums: number[] | null;
  maxMomentums: number[] | null;
}

/**
 * Sets a scheduler's momentum fields from its options: momentum cycles unless `cycleMomentum` is
 * false, between `baseMomentum` and `maxMomentum` (defaults `base` and `max`), per group of `n`.
 * Returns the entry to cycle, or null; throws as {@link momentumKey}.
 */
export function setMomentumFields(
  s: MomentumFields,
  optimizer: SchedulableOptimizer,
  where: string,
  o: MomentumOptions,
  n: number,
  base: number,
  max: number,
): MomentumKey | null {
  s.cycleMomentum = o.cycleMomentum ?? true;
  s.useBeta1 = false;
  s.baseMomentums = null;
  s.maxMomentums = null;
  if (!s.cycleMomentum) return null;
  const key = momentumKey(optimizer, where);
  s.useBeta1 = key === 'betas';
  s.baseMomentums = perGroupValues(o.baseMomentum ?? base, n);
  s.maxMomentums = perGroupValues(o.maxMomentum ?? max, n);
  return key;
}
