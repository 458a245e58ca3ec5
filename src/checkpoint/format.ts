/**
 * What a wasm-optim checkpoint holds, by name. A checkpoint is a safetensors file:
 *
 * | tensor (F32)             | holds                                                              |
 * |--------------------------|--------------------------------------------------------------------|
 * | `param.<name>`           | a parameter's values, shape as the parameter's; `<name>` is the   |
 * |                          | parameter's `name`, or its index in `params` when it has none      |
 * | `state.<i>.<buffer>`     | optimizer state buffer of the optimizer's parameter `i` (index     |
 * |                          | across its param groups, as `stateDict()`), shaped like it         |
 *
 * Buffer names are torch's: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (Adam, AdamW, AMSGrad),
 * `momentum_buffer` (SGD, RMSprop), `sum` (Adagrad), `square_avg`, `grad_avg` (RMSprop),
 * `acc_delta` (Adadelta), `exp_inf` (Adamax), `prev`, `step_size` (Rprop), … — whatever the
 * optimizer's `stateDict()` gives as a Float32Array.
 *
 * | `__metadata__` key        | value                                                            |
 * |---------------------------|------------------------------------------------------------------|
 * | `wasm_optim.checksum`     | CRC-32 (zlib's) of the whole file with these 8 hex digits read as |
 * |                           | `00000000`; always the first metadata key when written           |
 * | `wasm_optim.format_version` | version of this layout, `"1"` (not the package version; files    |
 * |                           | written by 0.1.0 carry it as `wasm_optim.version`, still read)   |
 * | `wasm_optim.kernel_hash`  | `BINARY_HASH` of the kernels that wrote it (informative only)    |
 * | `params`                  | JSON: the parameter tensor names, in `params` order              |
 * | `optimizer`               | the optimizer's registry name (`"adam"`, `"sgd"`, …)             |
 * | `optimizer.param_groups`  | JSON: `stateDict().paramGroups` (hyperparameters, param indices) |
 * | `optimizer.state`         | JSON: `{ "<i>": { "step": n, …scalar state (mu_product …) } }`   |
 * | `scheduler`               | JSON: the schedule's `stateDict()`                                |
 * | `extra`                   | JSON: the caller's `extra`                                        |
 *
 * JSON values write non-finite numbers as `NaN` / `Infinity` / `-Infinity` (Python's `json`
 * reads them) and negative zero as `-0.0`, so every number comes back exactly.
 */
import { crc32 } from './crc32.js';
import { CheckpointError } from './error.js';
import type { SafetensorsFile } from './safetensors.js';

/** The format version this build writes and reads. */
export const CHECKPOINT_VERSION = '1';

/** `__metadata__` keys. */
export const META = Object.freeze({
  checksum: 'wasm_optim.checksum',
  formatVersion: 'wasm_optim.format_version',
  /** Where 0.1.0 wrote the format version (read when `formatVersion` is absent). */
  legacyVersion: 'wasm_optim.version',
  kernelHash: 'wasm_optim.kernel_hash',
  params: 'params',
  optimizer: 'optimizer',
  paramGroups: 'optimizer.param_groups',
  state: 'optimizer.state',
  scheduler: 'scheduler',
  extra: 'extra',
});

/** Tensor name prefixes. */
export const PARAM_PREFIX = 'param.';
export const STATE_PREFIX = 'state.';

/** `state.<i>.<buffer>` → [i, buffer], or null when the name is not of that form. */
export function parseStateName(name: string): [number, string] | null {
  const m = /^state\.(0|[1-9][0-9]{0,8})\.(.+)$/s.exec(name);
  return m ? [Number(m[1]), m[2]!] : null;
}

/** The placeholder the checksum is computed with. */
const ZEROS = new Uint8Array(8).fill(0x30);
const HEX = /^[0-9a-f]{8}$/;

const hex = (crc: number) => crc.toString(16).padStart(8, '0');

/** CRC-32 of `bytes` with bytes [at, at + 8) read as ASCII '0's. */
function checksumAround(bytes: Uint8Array, at: number): number {
  let c = crc32(bytes, 0, 0, at);
  c = crc32(ZEROS, c);
  return crc32(bytes, c, at + 8, bytes.length);
}

/**
 * Fills in the checksum of a freshly written checkpoint whose header begins with
 * `{"__metadata__":{"wasm_optim.checksum":"00000000"`.
 */
export function sealChecksum(bytes: Uint8Array): void {
  const prefix = `{"__metadata__":{"${META.checksum}":"`;
  const at = 8 + prefix.length;
  const head = new TextDecoder().decode(bytes.subarray(8, at + 8));
  if (head !== `${prefix}00000000`) throw new Error('wasm-optim: internal error: checksum placeholder not at the start of the header');
  bytes.set(new TextEncoder().encode(hex(checksumAround(bytes, at))), at);
}

/** Checks the stored checksum against the file; throws a {@link CheckpointError} on mismatch. */
export function verifyChecksum(bytes: Uint8Array, file: SafetensorsFile): void {
  const stored = file.metadata[META.checksum];
  const span = file.metadataSpans.get(META.checksum);
  if (stored === undefined || !span) {
    throw new CheckpointError(`__metadata__ has no "${META.checksum}" (pass verifyChecksum: false to load a file written by another tool)`);
  }
  if (!HEX.test(stored) || span[1] - span[0] !== 10) throw new CheckpointError(`"${META.checksum}" must be 8 lower-case hex digits`);
  const actual = hex(checksumAround(bytes, span[0] + 1));
  if (actual !== stored) throw new CheckpointError(`checksum mismatch (stored ${stored}, computed ${actual}): the file is corrupt`);
}
