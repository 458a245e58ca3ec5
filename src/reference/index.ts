// Every pure-JS reference kernel; names match assembly/ without the _simd / _scalar suffix.
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
export * from './reduce.js';
export * from './elementwise.js';
export * from './roofline.js';
