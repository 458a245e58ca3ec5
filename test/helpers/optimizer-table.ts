/**
 * One table drives the cross-backend suites: for every optimizer, option sets that together
 * reach every kernel and every option branch.
 */
import { OPTIMIZERS } from '../../src/optim/registry.js';

export type OptionSet = Record<string, unknown>;

export const OPTION_SETS: Record<string, OptionSet[]> = {
  sgd: [
    { lr: 0.1 },
    { lr: 0.05, weightDecay: 0.1, maximize: true },
    { lr: 0.05, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.5, weightDecay: 0.01 },
    { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01, maximize: true },
  ],
  adam: [
    { lr: 1e-3 },
    { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, maximize: true },
    { lr: 0.01, amsgrad: true },
    { lr: 0.01, amsgrad: true, weightDecay: 0.05, decoupledWeightDecay: true },
  ],
  adamw: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, amsgrad: true, maximize: true }],
  adagrad: [{ lr: 0.1 }, { lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1, weightDecay: 0.01, eps: 1e-6, maximize: true }],
  rmsprop: [
    { lr: 0.01 },
    { lr: 0.01, centered: true },
    { lr: 0.01, momentum: 0.9, maximize: true },
    { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.01 },
  ],
  adadelta: [{ lr: 1 }, { lr: 0.5, rho: 0.8, weightDecay: 0.01, maximize: true }],
  adamax: [{ lr: 0.002 }, { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1, maximize: true }],
  nadam: [
    { lr: 0.002 },
    { lr: 0.01, weightDecay: 0.1, momentumDecay: 0.006, maximize: true },
    { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true },
  ],
  radam: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true }, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1 }],
  rprop: [{ lr: 0.01 }, { lr: 0.05, etas: [0.3, 1.5], stepSizes: [1e-5, 1], maximize: true }],
  lion: [{ lr: 1e-3 }, { lr: 3e-3, betas: [0.95, 0.98], weightDecay: 0.1, maximize: true }],
  lamb: [{ lr: 1e-2 }, { lr: 1e-2, weightDecay: 0.01, epsRoot: 1e-8, maximize: true }],
  adabelief: [{ lr: 1e-2 }, { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-8, maximize: true }],
};

/** [optimizer name, option set] for every optimizer that is registered. */
export function optimizerCases(): Array<[string, OptionSet]> {
  return Object.entries(OPTION_SETS)
    .filter(([name]) => name in OPTIMIZERS)
    .flatMap(([name, sets]) => sets.map((s): [string, OptionSet] => [name, s]));
}
