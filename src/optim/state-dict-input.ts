/**
 * What `Optimizer.loadStateDict()` accepts: wider than `StateDict` so that a state dict typed
 * for any optimizer, or parsed back from JSON, can be passed; its contents are checked at load.
 */

/** Per-parameter state as {@link Optimizer.loadStateDict} takes it: buffers as `Float32Array`s or, parsed from JSON, as number arrays. */
export type ParamStateInput = {
  /** Steps taken, at least 1. */
  step: number;
} & Record<string, number | Float32Array | readonly number[]>;

/**
 * What {@link Optimizer.loadStateDict} takes: the result of `stateDict()`, typed or not, or the
 * same object after a trip through JSON. Its contents are checked when it is loaded.
 */
export interface StateDictInput {
  /** Keyed by the parameter's index across all groups, in order. */
  readonly state: Readonly<Record<number, ParamStateInput>>;
  /** Each group's hyperparameters (those left out take the defaults) and its parameter indices. */
  readonly paramGroups: Array<{
    /** Indices of the group's parameters across all groups, in order. */
    readonly params: number[];
    readonly [option: string]: unknown;
  }>;
}
