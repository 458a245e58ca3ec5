// The kernel families: each file declares its kernels with kernel() (kernel.ts) beside their JS
// references; src/wasm/kernel-table.ts builds the table from this module's namespace, so this is
// the one list. Names match the exports of assembly/.
export * from './adam.js';
export * from './sgd.js';
export * from './lion.js';
export * from './lamb.js';
export * from './adabelief.js';
export * from './adagrad.js';
export * from './rmsprop.js';
export * from './adadelta.js';
export * from './adamax.js';
export * from './nadam.js';
export * from './radam.js';
export * from './rprop.js';
export * from './lbfgs.js';
export * from './adafactor.js';
export * from './novograd.js';
export * from './schedule-free.js';
export * from './adan.js';
export * from './lars.js';
export * from './asgd.js';
export * from './yogi.js';
export * from './reduce.js';
export * from './elementwise.js';
export * from './roofline.js';
export * from './matmul.js';
export * from './activation.js';
export * from './loss.js';
export * from './muon.js';
