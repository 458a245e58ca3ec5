/**
 * Every optimizer by the lower-case name its reference library uses (`torch.optim.<Name>` or
 * `optax.<name>`).
 */
import { Adam, AdamW } from './adam.js';
import { SGD } from './sgd.js';
import { Lion } from './lion.js';
import { Lamb } from './lamb.js';
import { AdaBelief } from './adabelief.js';
import { Adagrad } from './adagrad.js';
import { RMSprop } from './rmsprop.js';
import { Adadelta } from './adadelta.js';
import { Adamax } from './adamax.js';
import { NAdam } from './nadam.js';
import { RAdam } from './radam.js';
import { Rprop } from './rprop.js';

export const OPTIMIZERS = {
  sgd: SGD,
  adam: Adam,
  adamw: AdamW,
  lion: Lion,
  lamb: Lamb,
  adabelief: AdaBelief,
  adagrad: Adagrad,
  rmsprop: RMSprop,
  adadelta: Adadelta,
  adamax: Adamax,
  nadam: NAdam,
  radam: RAdam,
  rprop: Rprop,
} as const;

export type OptimizerName = keyof typeof OPTIMIZERS;
