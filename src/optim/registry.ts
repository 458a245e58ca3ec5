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

/** Every optimizer class by the lower-case name of its reference (`torch.optim.<Name>`, `optax.<name>`), e.g. `new OPTIMIZERS.adam(params)`. */
export const OPTIMIZERS = {
  /** {@link SGD}, as `torch.optim.SGD`. */
  sgd: SGD,
  /** {@link Adam}, as `torch.optim.Adam`. */
  adam: Adam,
  /** {@link AdamW}, as `torch.optim.AdamW`. */
  adamw: AdamW,
  /** {@link Lion}, as `optax.lion`. */
  lion: Lion,
  /** {@link Lamb}, as `optax.lamb`. */
  lamb: Lamb,
  /** {@link AdaBelief}, as `optax.adabelief`. */
  adabelief: AdaBelief,
  /** {@link Adagrad}, as `torch.optim.Adagrad`. */
  adagrad: Adagrad,
  /** {@link RMSprop}, as `torch.optim.RMSprop`. */
  rmsprop: RMSprop,
  /** {@link Adadelta}, as `torch.optim.Adadelta`. */
  adadelta: Adadelta,
  /** {@link Adamax}, as `torch.optim.Adamax`. */
  adamax: Adamax,
  /** {@link NAdam}, as `torch.optim.NAdam`. */
  nadam: NAdam,
  /** {@link RAdam}, as `torch.optim.RAdam`. */
  radam: RAdam,
  /** {@link Rprop}, as `torch.optim.Rprop`. */
  rprop: Rprop,
} as const;

/** A key of {@link OPTIMIZERS}: `'sgd'`, `'adam'`, `'adamw'`, …. */
export type OptimizerName = keyof typeof OPTIMIZERS;
