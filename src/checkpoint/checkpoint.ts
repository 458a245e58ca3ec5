/**
 * Checkpoints: parameters, optimizer state and schedule position in one safetensors file
 * (layout and names: ./format.ts). Saving returns bytes, so it works in browsers; loading checks
 * the whole file against the live objects before it changes any of them.
 */
import { Parameter } from '../memory/parameter.js';
import { Optimizer, type ParamState, type StateDict } from '../optim/optimizer.js';
import { OPTIMIZERS } from '../optim/registry.js';
import { checkKeys } from '../validation/index.js';
import { BINARY_HASH } from '../wasm/binaries.generated.js';
import { CheckpointError } from './error.js';
import { CHECKPOINT_VERSION, META, PARAM_PREFIX, sealChecksum, verifyChecksum } from './format.js';
import { stringifyJson } from './json.js';
import { type Contents, copyJson, readContents } from './contents.js';
import { copyF32Into, type F32Tensor, readF32, readSafetensors, writeSafetensors } from './safetensors.js';

/**
 * Anything whose position can be saved: `stateDict()` returns plain JSON data (numbers may be
 * non-finite) and `loadStateDict()` takes it back. Learning-rate schedulers have this shape.
 */
export interface Stateful {
  /** A snapshot, saved as JSON. */
  stateDict(): unknown;
  /** Restores a snapshot from `stateDict()`. */
  loadStateDict(state: unknown): void;
}

type AnyOptimizer = Optimizer<object>;

/** The library's schedulers split loading into a check and a commit. */
type Preparable = Stateful & { _prepareLoad?: (state: unknown, where: string) => () => void };

export interface SaveCheckpointInput {
  /** Parameters to save, as `param.<name>` (or `param.<index>` for unnamed ones). */
  params: readonly Parameter[];
  /** Optimizer whose `stateDict()` is saved: buffers as tensors, the rest as metadata. */
  optimizer?: AnyOptimizer;
  /** Learning-rate scheduler (or anything {@link Stateful}) whose position is saved. */
  scheduler?: Stateful;
  /** Any JSON data of the caller's (epoch, metrics, …), returned by {@link loadCheckpoint}. */
  extra?: unknown;
}

export interface LoadCheckpointOptions {
  /** Parameters to restore, matched to the file by name (or index), shapes equal. */
  params: readonly Parameter[];
  /** Optimizer of the same kind to restore; its hyperparameters are replaced by the file's. */
  optimizer?: AnyOptimizer;
  /** Scheduler to restore. */
  scheduler?: Stateful;
  /** Check the file's CRC-32 (default true). Turn off only for files rewritten by other tools. */
  verifyChecksum?: boolean;
}

/** What {@link loadCheckpoint} reports about the file it loaded. */
export interface CheckpointInfo {
  /** Format version of the file. */
  version: string;
  /** Kernel build that wrote it. */
  kernelHash: string;
  /** Whether that is this build. A different build does the same arithmetic: informative only. */
  kernelHashMatches: boolean;
  /** Registry name of the optimizer saved, if any. */
  optimizer: string | undefined;
  /** The `extra` data given to {@link saveCheckpoint}, or undefined. */
  extra: unknown;
  /** The file's raw `__metadata__`. */
  metadata: Record<string, string>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Tensor names of `params` (validated: Parameters, live, each once, names unique). */
function paramNames(params: unknown, where: string): string[] {
  if (!Array.isArray(params)) throw new TypeError(`${where}: params must be an array of Parameter objects`);
  const seen = new Set<Parameter>();
  const names = new Map<string, number>();
  return params.map((p: unknown, i) => {
    if (!(p instanceof Parameter)) throw new TypeError(`${where}: params[${i}] is not a Parameter`);
    if (p.disposed) throw new TypeError(`${where}: params[${i}] has been disposed`);
    if (seen.has(p)) throw new TypeError(`${where}: params[${i}] appears more than once`);
    seen.add(p);
    const name = PARAM_PREFIX + (p.name ? p.name : String(i));
    const j = names.get(name);
    if (j !== undefined) throw new TypeError(`${where}: params[${j}] and params[${i}] would both be saved as "${name}"; give them distinct names`);
    names.set(name, i);
    return name;
  });
}

function checkOptimizer(o: unknown, where: string): asserts o is AnyOptimizer {
  if (!(o instanceof Optimizer)) throw new TypeError(`${where}: optimizer must be an Optimizer`);
  if (o.disposed) throw new TypeError(`${where}: optimizer has been disposed`);
}

function checkStateful(s: unknown, where: string): asserts s is Stateful {
  const o = s as Partial<Stateful> | null;
  if (typeof o !== 'object' || o === null || typeof o.stateDict !== 'function' || typeof o.loadStateDict !== 'function') {
    throw new TypeError(`${where}: scheduler must have stateDict() and loadStateDict() methods`);
  }
}

/** The optimizer's registry name (`"adam"`), or its class name for one not in the registry. */
export function optimizerKind(o: AnyOptimizer): string {
  for (const [name, Cls] of Object.entries(OPTIMIZERS)) if (o.constructor === Cls) return name;
  return o.constructor.name;
}

/**
 * Saves parameters, and optionally an optimizer's state, a scheduler's position and `extra`
 * JSON data, as safetensors bytes (names in ./format.ts). Reads the live objects and changes
 * none of them. Throws a TypeError for bad input (naming it) before producing anything.
 *
 * @example
 * const bytes = saveCheckpoint({ params: [w, b], optimizer: opt, scheduler: sched, extra: { epoch } });
 * // browser: new Blob([bytes]); Node: saveCheckpointFile() from 'wasm-optim/node' writes atomically
 */
export function saveCheckpoint(input: SaveCheckpointInput): Uint8Array {
  const where = 'saveCheckpoint';
  if (!isObject(input)) throw new TypeError(`${where}: expected { params, optimizer?, scheduler?, extra? }`);
  checkKeys(input, ['params', 'optimizer', 'scheduler', 'extra'], where);
  const { params, optimizer, scheduler, extra } = input;
  const names = paramNames(params, where);
  if (optimizer !== undefined) {
    checkOptimizer(optimizer, where);
    // State without the values it belongs to cannot be resumed: every optimizer parameter is saved.
    const listed = new Set<unknown>(params);
    const missing = optimizer.paramGroups.flatMap((g) => g.params).findIndex((p) => !listed.has(p));
    if (missing >= 0) throw new TypeError(`${where}: the optimizer's parameter ${missing} is not in params; a checkpoint holds the values of every parameter whose state it saves`);
  }
  if (scheduler !== undefined) checkStateful(scheduler, where);
  // The checksum goes first: sealChecksum() finds it at a fixed place.
  const metadata: Record<string, string> = {
    [META.checksum]: '00000000',
    [META.formatVersion]: CHECKPOINT_VERSION,
    [META.kernelHash]: BINARY_HASH,
    [META.params]: JSON.stringify(names),
  };
  const tensors: F32Tensor[] = params.map((p, i) => ({ name: names[i]!, shape: p.shape, data: p.data }));
  if (optimizer !== undefined) {
    const dict = optimizer.stateDict();
    const live = optimizer.paramGroups.flatMap((g) => g.params);
    const scalars: Record<string, Record<string, number>> = {};
    for (const [key, st] of Object.entries(dict.state)) {
      const sc: Record<string, number> = {};
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') sc[k] = v;
        // A buffer laid out like its parameter keeps its shape; a shorter one (a factored or
        // per-tensor statistic) is saved flat, and the optimizer checks its length on loading.
        else tensors.push({ name: `state.${key}.${k}`, shape: v.length === live[Number(key)]!.length ? live[Number(key)]!.shape : [v.length], data: v });
      }
      scalars[key] = sc;
    }
    metadata[META.optimizer] = optimizerKind(optimizer);
    metadata[META.paramGroups] = stringifyJson(dict.paramGroups, 'optimizer.paramGroups');
    metadata[META.state] = stringifyJson(scalars, 'optimizer.state');
  }
  if (scheduler !== undefined) metadata[META.scheduler] = stringifyJson(scheduler.stateDict(), 'scheduler.stateDict()');
  if (extra !== undefined) metadata[META.extra] = stringifyJson(extra, 'extra');
  const bytes = writeSafetensors(tensors, metadata);
  sealChecksum(bytes);
  return bytes;
}

/** Checks the file's contents against the live objects; returns the optimizer dict to load. */
function match(c: Contents, bytes: Uint8Array, names: string[], params: readonly Parameter[], optimizer?: AnyOptimizer, scheduler?: Stateful) {
  if (c.params.length !== names.length) {
    throw new CheckpointError(`the file has ${c.params.length} parameters (${c.params.join(', ')}), ${names.length} were given`);
  }
  names.forEach((name, i) => {
    const t = c.file.tensors.get(name);
    if (!t) throw new CheckpointError(`params[${i}] is saved as "${name}", which the file lacks (it has ${c.params.join(', ')})`);
    const p = params[i]!;
    if (t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
      throw new CheckpointError(`"${name}" has shape [${t.shape.join(', ')}] in the file, params[${i}] has [${p.shape.join(', ')}]`);
    }
  });
  let dict: StateDict | undefined;
  if (optimizer) {
    if (c.optimizer === undefined) throw new CheckpointError('the file holds no optimizer state');
    const kind = optimizerKind(optimizer);
    if (c.optimizer.kind !== kind) throw new CheckpointError(`the file holds ${c.optimizer.kind} state, the optimizer is ${kind}`);
    const live = optimizer.paramGroups.flatMap((g) => g.params);
    const state: Record<number, ParamState> = {};
    for (const [i, entry] of c.optimizer.state) {
      const p = live[i];
      if (!p) throw new CheckpointError(`optimizer state for parameter ${i}, the optimizer has ${live.length} parameters`);
      const s: Record<string, number | Float32Array> = { ...entry.scalars };
      for (const [b, t] of entry.buffers) {
        const like = t.shape.length === p.shape.length && t.shape.every((d, k) => d === p.shape[k]);
        // Flat only where the buffer is not laid out like its parameter (those keep its shape).
        if (!like && !(t.shape.length === 1 && t.shape[0] !== p.length)) {
          throw new CheckpointError(`"state.${i}.${b}" has shape [${t.shape.join(', ')}], the optimizer's parameter ${i} has [${p.shape.join(', ')}]`);
        }
        s[b] = readF32(bytes, c.file.dataStart + t.begin, like ? p.length : t.shape[0]!);
      }
      state[i] = s as ParamState;
    }
    dict = { state, paramGroups: c.optimizer.paramGroups as StateDict['paramGroups'] };
  }
  if (scheduler && !c.hasScheduler) throw new CheckpointError('the file holds no scheduler state');
  return dict;
}

/**
 * Restores a checkpoint from {@link saveCheckpoint} into live parameters and, if given, an
 * optimizer (of the same kind; its hyperparameters become the file's, as torch's
 * `load_state_dict`) and a scheduler. Everything is validated first — the safetensors rules,
 * the checksum, every metadata entry, tensor names, dtypes and shapes against the live objects,
 * the optimizer kind — and on any problem a {@link CheckpointError} (a TypeError for bad
 * arguments) is thrown with parameters, optimizer state and schedule exactly as they were.
 * Parameters are matched by name (`param.<name>`), or by index when unnamed.
 *
 * @example
 * const info = loadCheckpoint(bytes, { params: [w, b], optimizer: opt, scheduler: sched });
 * if (!info.kernelHashMatches) console.info('saved by another kernel build (same arithmetic)');
 */
export function loadCheckpoint(bytes: Uint8Array | ArrayBuffer, options: LoadCheckpointOptions): CheckpointInfo {
  const where = 'loadCheckpoint';
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where}: bytes must be a Uint8Array or an ArrayBuffer`);
  if (!isObject(options)) throw new TypeError(`${where}: expected options { params, optimizer?, scheduler?, verifyChecksum? }`);
  checkKeys(options, ['params', 'optimizer', 'scheduler', 'verifyChecksum'], where);
  const { params, optimizer, scheduler, verifyChecksum: verify = true } = options;
  const names = paramNames(params, where);
  if (optimizer !== undefined) checkOptimizer(optimizer, where);
  if (scheduler !== undefined) checkStateful(scheduler, where);
  if (typeof verify !== 'boolean') throw new TypeError(`${where}: verifyChecksum must be a boolean`);
  // Bytes that live in an engine's memory would be detached if loading grows it: copy them.
  const memories = new Set([...params.map((p) => p.host.arena.memory.buffer), optimizer?.engine.memory.buffer]);
  if (memories.has(bytes.buffer as ArrayBuffer)) bytes = bytes.slice();

  const file = readSafetensors(bytes);
  const version = file.metadata[META.formatVersion] ?? file.metadata[META.legacyVersion];
  if (version === undefined) throw new CheckpointError(`not a wasm-optim checkpoint (__metadata__ has no "${META.formatVersion}")`);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(`format version "${version}" is not supported (this build reads "${CHECKPOINT_VERSION}")`);
  if (verify) verifyChecksum(bytes, file);
  const contents = readContents(file);
  const dict = match(contents, bytes, names, params, optimizer, scheduler);

  // Everything checked. A scheduler that can check a state without applying it (this library's
  // schedulers, through `_prepareLoad`) is checked now, before anything changes.
  let commitScheduler: (() => void) | undefined;
  const prepare = (scheduler as Preparable | undefined)?._prepareLoad;
  if (scheduler && typeof prepare === 'function') {
    try {
      commitScheduler = prepare.call(scheduler, contents.scheduler, 'scheduler');
    } catch (e) {
      throw new CheckpointError(`the scheduler refused the saved state: ${(e as Error).message}`, { cause: e });
    }
  }
  // Apply: optimizer (it checks before it changes anything), scheduler (any other scheduler is
  // undone, with the optimizer, if it refuses its state), parameter values (cannot fail now).
  const schedBefore = scheduler && !commitScheduler ? copyJson(scheduler.stateDict(), 'scheduler.stateDict()') : undefined;
  // A copy of the optimizer state is needed only to undo it for a scheduler that may refuse late.
  const optBefore = optimizer && dict && scheduler && !commitScheduler ? optimizer.stateDict() : undefined;
  if (optimizer && dict) {
    try {
      optimizer.loadStateDict(dict);
    } catch (e) {
      throw new CheckpointError(`the optimizer refused the saved state: ${(e as Error).message}`, { cause: e });
    }
  }
  if (commitScheduler) commitScheduler();
  else if (scheduler) {
    try {
      scheduler.loadStateDict(contents.scheduler);
    } catch (e) {
      try {
        scheduler.loadStateDict(schedBefore);
      } finally {
        if (optimizer && optBefore) optimizer.loadStateDict(optBefore);
      }
      throw new CheckpointError(`the scheduler refused the saved state: ${(e as Error).message}`, { cause: e });
    }
  }
  names.forEach((name, i) => copyF32Into(params[i]!.data, bytes as Uint8Array, file.dataStart + file.tensors.get(name)!.begin));
  return {
    version,
    kernelHash: contents.kernelHash,
    kernelHashMatches: contents.kernelHash === BINARY_HASH,
    optimizer: contents.optimizer?.kind,
    extra: contents.extra,
    metadata: { ...file.metadata },
  };
}
