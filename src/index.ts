export { createEngine, detectBackend, Engine, type Backend, type EngineOptions, type ParameterSpec } from './engine.js';
export { Parameter } from './memory/parameter.js';
export { Optimizer, type ParamGroup, type ParamsInput, type ParamState, type StateDict } from './optim/optimizer.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { OPTIMIZERS, type OptimizerName } from './optim/registry.js';
export { hasSimd, hasWebAssembly } from './wasm/loader.js';
