/**
 * Neural-network optimizers on WebAssembly SIMD with the semantics of `torch.optim`: the engine,
 * parameters, optimizers, learning-rate schedules, the training toolkit, checkpoints and a small
 * network. Node-only checkpoint files are in `wasm-optim/node`.
 *
 * @module wasm-optim
 */
export { createEngine, detectBackend, Engine, type Backend, type EngineOptions, type ParameterSpec } from './engine.js';
export { Parameter } from './memory/parameter.js';
export { Optimizer, type ParamGroup, type ParamsInput, type ParamState, type StateDict } from './optim/optimizer.js';
export type { ParamStateInput, StateDictInput } from './optim/state-dict-input.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Lion, type LionOptions } from './optim/lion.js';
export { Lamb, type LambOptions } from './optim/lamb.js';
export { AdaBelief, type AdaBeliefOptions } from './optim/adabelief.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { Adadelta, type AdadeltaOptions } from './optim/adadelta.js';
export { Adamax, type AdamaxOptions } from './optim/adamax.js';
export { NAdam, type NAdamOptions } from './optim/nadam.js';
export { RAdam, type RAdamOptions } from './optim/radam.js';
export { Rprop, type RpropOptions } from './optim/rprop.js';
export { OPTIMIZERS, type OptimizerName } from './optim/registry.js';
export * from './schedule/index.js';
export * from './nn/index.js';
export * from './train/index.js';
export * from './checkpoint/index.js';
export { hasSharedMemory, hasSimd, hasWebAssembly } from './wasm/loader.js';
