/**
 * Which kernels may be cut across threads comes from the kernel table (src/wasm/kernel-table.ts):
 * a kernel whose pointers are all elementwise, with one size `n` and no return value. Reductions
 * (norms, losses, LAMB's moment pass) and matrix products run on the calling thread.
 */

/**
 * Below this many elements a call runs on the calling thread. Measured by `npm run bench:threads`
 * on two cores: Adam gains from 256K elements, SGD-momentum only above 256K, both from 1M.
 */
export const DEFAULT_THREAD_THRESHOLD = 1 << 19;
