/**
 * Momentum cycling shared by OneCycleLR and CyclicLR: as torch does, an optimizer whose defaults
 * have `betas` (Adam-like) gets `betas[0]` cycled, one with `momentum` (SGD-like) gets `momentum`
 * cycled. A plain object without `defaults` is judged by its first param group.
 */
import type { SchedulableGroup, SchedulableOptimizer } from './base.js';

export type MomentumKey = 'momentum' | 'betas';

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
