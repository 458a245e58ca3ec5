// Every kernel, re-exported: one file per optimizer family.
export * from './adam';
export * from './sgd';
export * from './roofline';
