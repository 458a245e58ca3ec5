/**
 * Kernels that may be cut across threads: elementwise, each output element depends only on the
 * same element of the inputs. The number is how many leading arguments are byte pointers (the
 * next one is the element count n). Reductions (norms, LAMB's moment pass) and matrix products
 * are not listed: they run on the calling thread.
 */
import type { KernelName } from '../wasm/kernels.js';

export const SPLITTABLE: Partial<Record<KernelName, number>> = {
  sgd_f32: 2,
  sgd_momentum_f32: 3,
  sgd_nesterov_f32: 3,
  adam_f32: 4,
  adam_amsgrad_f32: 5,
  adagrad_f32: 3,
  rmsprop_f32: 3,
  rmsprop_centered_f32: 4,
  rmsprop_momentum_f32: 4,
  rmsprop_centered_momentum_f32: 5,
  adadelta_f32: 4,
  adamax_f32: 4,
  nadam_f32: 4,
  radam_f32: 4,
  radam_unrectified_f32: 4,
  rprop_f32: 4,
  lion_f32: 3,
  lamb_apply_f32: 3,
  adabelief_f32: 4,
  roofline_f32: 4,
  scale_f32: 1,
  clamp_f32: 1,
  axpby_f32: 2,
  copy_f32: 2,
};

/**
 * Below this many elements a call runs on the calling thread. Measured by `npm run bench:threads`
 * on two cores: Adam gains from 256K elements, SGD-momentum only above 256K, both from 1M.
 */
export const DEFAULT_THREAD_THRESHOLD = 1 << 19;
