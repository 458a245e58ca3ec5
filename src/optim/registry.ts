/**
 * Every optimizer by the lower-case name its reference library uses (`torch.optim.<Name>` or
 * `optax.<name>`).
 */
import { Adam, AdamW } from './adam.js';
import { SGD } from './sgd.js';

export const OPTIMIZERS = {
  sgd: SGD,
  adam: Adam,
  adamw: AdamW,
} as const;

export type OptimizerName = keyof typeof OPTIMIZERS;
