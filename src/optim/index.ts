// Every optimizer: one line per optimizer file, then the option fields they share. The registry
// and the package exports derive from this list (each optimizer class carries its own static
// `registration`).
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
export * from './muon.js';
export * from './lbfgs.js';
export * from './adafactor.js';
export * from './novograd.js';
export * from './schedule-free.js';
export * from './adan.js';
export * from './lars.js';
export * from './asgd.js';
export * from './yogi.js';
export * from './options.js';
