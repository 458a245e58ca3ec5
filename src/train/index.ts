// The training toolkit: gradient clipping, accumulation, parameter EMA, non-finite step skipping.
export { clipGradNorm, clipGradsWithNorm, clipGradValue, gradNorm, type ClipGradNormOptions, type NormType } from './clip.js';
export { GradientAccumulator, type AccumulatorState, type GradientAccumulationOptions } from './accumulate.js';
export { EMA, type EMAOptions, type EMAState } from './ema.js';
export { NonFiniteGuard, type NonFiniteGuardOptions, type NonFiniteGuardState } from './nonfinite.js';
export { type Steppable, SteppableWrapper } from './steppable.js';
