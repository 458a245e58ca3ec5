/**
 * Option fields that several optimizers share, each documented once here. An optimizer's options
 * interface extends the fragment it takes, adds its own fields, and states its defaults in its
 * own description.
 */

/** The fields every optimizer with a learning rate takes. */
export interface CommonOptions {
  /** Learning rate lr, ≥ 0 (each optimizer's options state its default). */
  lr?: number;
  /** Maximize the objective instead of minimizing (the gradient is negated first). Default false. */
  maximize?: boolean;
}

/** The fields of the optimizers that keep moment estimates of the gradient (Adam and its kin). */
export interface MomentOptions extends CommonOptions {
  /** Decay rates [β1, β2] of the moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for stability, ≥ 0 (each optimizer's options state its default). */
  eps?: number;
  /** Weight decay λ ≥ 0: λ·p added to the gradient (L2), or p scaled by 1 − lr·λ when decoupled. Default 0 (AdamW: 0.01). */
  weightDecay?: number;
}

/** {@link MomentOptions} with the choice between L2 and decoupled weight decay (AdamW, NAdamW, RAdamW). */
export interface DecoupledOptions extends MomentOptions {
  /** Decay the weights directly (the "W" variants) instead of adding λ·p to the gradient. Default false (AdamW: true). */
  decoupledWeightDecay?: boolean;
}
