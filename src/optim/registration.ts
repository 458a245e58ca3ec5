/**
 * What an optimizer declares about itself, once, as a static `registration` on its class. The
 * registry (`OPTIMIZERS`), the package exports, the benchmark cases, the playground's list and
 * the contract tests all derive from it, so adding an optimizer touches no list elsewhere.
 */
export interface Registration<O, K extends string = string> {
  /** Registry key: the lower-case name in torch.optim or optax (`'adamw'`, `'sgd'`). */
  readonly key: K;
  /**
   * Option sets that together reach every kernel and every option branch. The contract tests
   * run each on every backend (parity, maximize, live edits, bad options, state round trips,
   * threads, checkpoints); an optimizer without any fails them.
   */
  readonly optionSets: ReadonlyArray<Partial<O>>;
  /**
   * How the contract suites shape a test tensor of `length` elements, the `index`-th they make
   * (default `[length]`): Muon takes matrices only, Adafactor factors them. Every length the
   * suites use (0, 1, primes, …) must get a shape the optimizer accepts.
   */
  readonly shape?: (length: number, index: number) => readonly number[];
  /**
   * The optimizer re-evaluates the loss during a step (LBFGS): the suites then step it with a
   * closure over a quadratic whose gradient they write, instead of plain `step()`.
   */
  readonly closure?: boolean;
  /** The optimizer takes one param group only, as torch's LBFGS: the suites then make one group. */
  readonly oneGroup?: boolean;
  /** Benchmark cases (default: one case named `key` with the defaults). */
  readonly bench?: ReadonlyArray<{
    /** Name of the case in the results (`'sgd-momentum'`). */
    readonly name: string;
    /** Options of the case (the rest take the defaults). */
    readonly options: Partial<O>;
  }>;
  /**
   * The playground: which of a test function's two learning rates suits it (`'adaptive'` for
   * methods whose step does not scale with the gradient, `'plain'` otherwise), a factor on it,
   * and options it needs there.
   */
  readonly playground: {
    /** Which of the test function's learning rates to start from. */
    readonly rate: 'adaptive' | 'plain';
    /** A factor on that rate (default 1). */
    readonly scale?: number;
    /** Options it needs there (they win over the rate). */
    readonly options?: Partial<O>;
    /** Shown checked when the page opens. */
    readonly checked?: boolean;
  };
}
