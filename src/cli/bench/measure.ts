/// <reference types="node" />
/**
 * Interleaved timing. The machine is shared and noisy, so the variants of one
 * case are not timed one after another for seconds each: they take turns, round after round, in
 * a rotating order, each for a short slice, and the result is the median of every batch sample
 * from every round. A warm-up pass per variant (discarded) lets V8 tier up both the JS loops and
 * the WebAssembly code first. Each sample is a batch of `reps` calls sized to about `batchMs`,
 * so timer overhead stays far below the time measured even at 1,024 parameters.
 */

/** One way of doing one optimizer step over `n` parameters. */
export interface Timed {
  variant: string;
  step: () => void;
  /** Warm-up for this variant, ms, when it needs more than the schedule's (tfjs tiers up slowly). */
  warmupMs?: number;
}

export interface Schedule {
  /** Rounds of turns (each variant once per round). */
  rounds: number;
  /** Time budget per variant per round, ms. */
  roundMs: number;
  /** Target duration of one batch sample, ms. */
  batchMs: number;
  /** Minimum warm-up per variant, ms (and at least 2 calls). */
  warmupMs: number;
  /**
   * `wall` (default): elapsed time. `cpu`: this process's CPU time (`process.cpuUsage()`, µs
   * resolution, batches of milliseconds), which leaves out the time other processes hold the
   * core — for a machine so loaded that wall-clock samples are mostly waiting.
   */
  clock?: 'wall' | 'cpu';
}

/** This process's CPU time (user + system), ms. */
export const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const wallNow = (): number => performance.now();

/**
 * One slice of a round: batches of `reps` calls of `step`, back to back, for at least `ms` of
 * the clock `now` and at least one batch; returns each batch's duration, ms.
 */
export function timeSlice(step: () => void, reps: number, ms: number, now: () => number): number[] {
  const samples: number[] = [];
  const start = now();
  do {
    const t0 = now();
    for (let j = 0; j < reps; j++) step();
    samples.push(now() - t0);
  } while (now() - start < ms);
  return samples;
}

export interface Timing {
  variant: string;
  /** Median over all batch samples, nanoseconds per parameter per step. */
  nsPerParam: number;
  /** Number of batch samples the median is taken over. */
  samples: number;
  /** Calls per batch sample. */
  reps: number;
  /** Median of each round, ns/param (a view of the drift over the run). */
  roundMedians: number[];
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/**
 * Runs `step` for at least `ms` and 2 calls (V8 tiers a long loop up during its first call, by
 * on-stack replacement); returns the time of the fastest call, ms.
 */
function warmUp(step: () => void, ms: number): number {
  let best = Infinity;
  const end = performance.now() + ms;
  for (let i = 0; i < 2 || performance.now() < end; i++) {
    const t0 = performance.now();
    step();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Times the variants interleaved and returns one {@link Timing} per variant, in input order.
 * `n` converts batch times into ns per parameter.
 */
export function measureInterleaved(variants: readonly Timed[], n: number, s: Schedule): Timing[] {
  const reps = variants.map((v) => {
    const call = warmUp(v.step, Math.max(s.warmupMs, v.warmupMs ?? 0));
    return Math.max(1, Math.round(s.batchMs / Math.max(call, 1e-4)));
  });
  const all: number[][] = variants.map(() => []);
  const rounds: number[][] = variants.map(() => []);
  for (let r = 0; r < s.rounds; r++) {
    const now = s.clock === 'cpu' ? cpuNow : wallNow;
    // Rotate the order each round, and reverse it every other round, so no variant always
    // follows the same neighbour (cache and frequency effects even out).
    const order = variants.map((_, i) => (i + r) % variants.length);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const ns = timeSlice(variants[i]!.step, reps[i]!, s.roundMs, now).map((ms) => (ms * 1e6) / (reps[i]! * n));
      all[i]!.push(...ns);
      rounds[i]!.push(median(ns));
    }
  }
  return variants.map((v, i) => ({
    variant: v.variant,
    nsPerParam: median(all[i]!),
    samples: all[i]!.length,
    reps: reps[i]!,
    roundMedians: rounds[i]!,
  }));
}
