// Every kernel, re-exported: one file per optimizer family.
export * from './adam';
export * from './sgd';
export * from './lion';
export * from './lamb';
export * from './adabelief';
export * from './adagrad';
export * from './rmsprop';
export * from './adadelta';
export * from './adamax';
export * from './nadam';
export * from './radam';
export * from './rprop';
export * from './reduce';
export * from './elementwise';
export * from './roofline';
