/**
 * Linear warmup followed by cosine decay, in one call, built from torch's own pieces so the same
 * schedule can be reproduced in PyTorch:
 * `SequentialLR([LinearLR(start_factor=f, total_iters=W), CosineAnnealingLR(T_max=T−W, eta_min=minLr)], milestones=[W])`.
 */
import { LRScheduler, type SchedulableOptimizer, withRollback } from './base.js';
import { int, nonNegative, num, readOptions, required, type Spec } from '../validation/index.js';
import { SequentialLR } from './compose.js';
import { CosineAnnealingLR } from './cosine.js';
import { LinearLR } from './step.js';

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Steps of linear warmup W (0: no warmup). Required. */
  warmupSteps: number;
  /** Step T at which the lr reaches `minLr`; must exceed `warmupSteps`. Required. */
  totalSteps: number;
  /** Final lr. Default 0. */
  minLr?: number;
  /** Factor f of the base lr at step 0, in (0, 1]. Default 0.01. */
  warmupStartFactor?: number;
}

const SPEC: Spec<WarmupCosineOptions> = {
  warmupSteps: int(0),
  totalSteps: int(1),
  minLr: nonNegative,
  warmupStartFactor: num({ min: 0, minOpen: true, max: 1 }),
};

/**
 * Linear warmup then cosine decay, per group (base = the group's lr when called):
 * ```
 * t ≤ W:      lr_t = base · (f + (1 − f) · t / W)
 * W ≤ t ≤ T:  lr_t = minLr + (base − minLr) · (1 + cos(π (t − W) / (T − W))) / 2
 * ```
 * Call `step()` once per training step, `totalSteps` times in all. Like torch's
 * CosineAnnealingLR, stepping past `totalSteps` makes the lr rise again along the cosine.
 * Returns a SequentialLR of LinearLR and CosineAnnealingLR (a CosineAnnealingLR alone when
 * `warmupSteps` is 0); its `stateDict()` saves both.
 *
 * @example
 * const sched = warmupCosine(opt, { warmupSteps: 500, totalSteps: 10_000, minLr: 1e-5 });
 * for (let t = 0; t < 10_000; t++) { trainBatch(); opt.step(); sched.step(); }
 */
export function warmupCosine(optimizer: SchedulableOptimizer, options: WarmupCosineOptions): LRScheduler {
  const where = 'warmupCosine';
  const o = readOptions(options, SPEC, where, { groups: 0 });
  const w = required(o.warmupSteps, 'warmupSteps', where);
  const t = required(o.totalSteps, 'totalSteps', where);
  if (t <= w) throw new RangeError(`${where}: totalSteps (${t}) must be greater than warmupSteps (${w})`);
  const etaMin = o.minLr ?? 0;
  if (w === 0) return new CosineAnnealingLR(optimizer, { tMax: t, etaMin });
  const startFactor = o.warmupStartFactor ?? 0.01;
  const warmup = new LinearLR(optimizer, { startFactor, endFactor: 1.0, totalIters: w });
  return withRollback(optimizer, [warmup], () => {
    const decay = new CosineAnnealingLR(optimizer, { tMax: t - w, etaMin });
    return new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [w] });
  });
}
