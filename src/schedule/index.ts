/**
 * Learning-rate schedulers with the semantics and numbers of `torch.optim.lr_scheduler` 2.11.
 * Each works on any `{ paramGroups: [{ lr, momentum?, betas? }] }`: the optimizers of this library
 * or plain objects.
 */
export {
  LRScheduler,
  type JsonValue,
  type SchedulableGroup,
  type SchedulableOptimizer,
  type Scheduler,
  type SchedulerStateDict,
} from './base.js';
export { ChainedScheduler, SequentialLR, type SequentialLROptions } from './compose.js';
export {
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  type CosineAnnealingLROptions,
  type CosineAnnealingWarmRestartsOptions,
} from './cosine.js';
export { CyclicLR, type CyclicLROptions, type CyclicMode } from './cyclic.js';
export { LambdaLR, MultiplicativeLR, type LambdaLROptions, type LrLambda } from './lambda.js';
export { OneCycleLR, type OneCycleLROptions } from './onecycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export {
  ConstantLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  PolynomialLR,
  StepLR,
  type ConstantLROptions,
  type ExponentialLROptions,
  type LinearLROptions,
  type MultiStepLROptions,
  type PolynomialLROptions,
  type StepLROptions,
} from './step.js';
export { warmupCosine, type WarmupCosineOptions } from './warmup.js';
