/**
 * Checkpoints in the safetensors format: parameters, optimizer state, schedule position. This
 * entry uses no Node built-ins (it bundles for browsers); atomic file writes are in
 * `wasm-optim/node` (./node.ts).
 */
export {
  type CheckpointInfo,
  loadCheckpoint,
  type LoadCheckpointOptions,
  optimizerKind,
  saveCheckpoint,
  type SaveCheckpointInput,
  type Stateful,
} from './checkpoint.js';
export { CheckpointError } from './error.js';
export { CHECKPOINT_VERSION } from './format.js';
export { readSafetensors, type SafetensorsFile, type TensorInfo, writeSafetensors, type F32Tensor } from './safetensors.js';
