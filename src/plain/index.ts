// Plain Float32Arrays with the library's optimizers: arrays bound to engine parameters, explicit copies.
export { bindArrays, BoundArrays, type BindArraysOptions } from './bind.js';
