/**
 * Neural-network optimizers on WebAssembly SIMD with the semantics of `torch.optim`: the engine,
 * parameters, optimizers, learning-rate schedules, the training toolkit, checkpoints and a small
 * network. Node-only checkpoint files are in `wasm-optim/node`.
 *
 * @module wasm-optim
 */
export { createEngine, detectBackend, Engine, type Backend, type EngineOptions, type ParameterSpec } from './engine.js';
export type { TypedValues } from './memory/spec.js';
export { Parameter } from './memory/parameter.js';
export { OutOfMemoryError } from './memory/arena.js';
export { Optimizer, type GroupInput, type ParamGroup, type ParamsInput, type ParamState, type StateDict } from './optim/optimizer.js';
export type { ParamStateInput, StateDictInput } from './optim/state-dict-input.js';
export * from './optim/index.js';
export { type OptimizerClass, OPTIMIZERS, type OptimizerName, type OptimizerRegistry, type Registered, type Registration, registrations } from './optim/registry.js';
export * from './schedule/index.js';
export * from './nn/index.js';
export * from './train/index.js';
export * from './checkpoint/index.js';
export { hasSharedMemory, hasSimd, hasWebAssembly } from './wasm/loader.js';
export { bindArrays, BoundArrays, type BindArraysOptions } from './plain/index.js';
