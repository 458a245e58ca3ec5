/**
 * Reads what a checkpoint says, from a validated safetensors container: every metadata entry
 * parsed and type-checked, every tensor name accounted for (names in ./format.ts). Nothing here
 * looks at live objects; checkpoint.ts matches the result against them.
 */
import { CheckpointError } from './error.js';
import { META, PARAM_PREFIX, parseStateName, STATE_PREFIX } from './format.js';
import { JsonSyntaxError, parseJson, stringifyJson } from './json.js';
import type { SafetensorsFile, TensorInfo } from './safetensors.js';

export interface SavedParamState {
  /** `step` and scalar state such as `mu_product`. */
  scalars: Record<string, number>;
  /** Buffer name → its tensor. */
  buffers: Map<string, TensorInfo>;
}

export interface SavedOptimizer {
  kind: string;
  paramGroups: Array<Record<string, unknown>>;
  /** Optimizer parameter index → its state. */
  state: Map<number, SavedParamState>;
}

export interface Contents {
  file: SafetensorsFile;
  kernelHash: string;
  /** Parameter tensor names, in the order they were saved. */
  params: string[];
  optimizer: SavedOptimizer | undefined;
  hasScheduler: boolean;
  scheduler: unknown;
  extra: unknown;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses metadata entry `key` as JSON (non-finite numbers allowed). */
function json(meta: Record<string, string>, key: string): unknown {
  try {
    return parseJson(meta[key]!, { nonFinite: true });
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CheckpointError(`__metadata__ "${key}" is not valid JSON: ${e.message}`, { cause: e });
    throw e;
  }
}

/** A deep copy of JSON data through the checkpoint's own JSON (non-finite numbers kept). */
export function copyJson(value: unknown, path: string): unknown {
  return parseJson(stringifyJson(value, path), { nonFinite: true });
}

function readParamList(file: SafetensorsFile): string[] {
  const meta = file.metadata;
  if (!Object.hasOwn(meta, META.params)) throw new CheckpointError(`__metadata__ has no "${META.params}"`);
  const list = json(meta, META.params);
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string' && n.startsWith(PARAM_PREFIX))) {
    throw new CheckpointError(`__metadata__ "${META.params}" must be a JSON array of "${PARAM_PREFIX}…" names`);
  }
  const names = list as string[];
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new CheckpointError(`__metadata__ "${META.params}" lists "${n}" twice`);
    seen.add(n);
    if (!file.tensors.has(n)) throw new CheckpointError(`parameter "${n}" is listed in __metadata__ but has no tensor`);
  }
  for (const n of file.tensors.keys()) {
    if (n.startsWith(PARAM_PREFIX) && !seen.has(n)) throw new CheckpointError(`tensor "${n}" is not listed in __metadata__ "${META.params}"`);
  }
  return names;
}

function readOptimizer(file: SafetensorsFile): SavedOptimizer | undefined {
  const meta = file.metadata;
  const stateTensors = [...file.tensors.keys()].filter((n) => n.startsWith(STATE_PREFIX));
  if (!Object.hasOwn(meta, META.optimizer)) {
    for (const k of [META.paramGroups, META.state]) {
      if (Object.hasOwn(meta, k)) throw new CheckpointError(`__metadata__ has "${k}" but no "${META.optimizer}"`);
    }
    if (stateTensors.length > 0) throw new CheckpointError(`tensor "${stateTensors[0]}" is optimizer state, but __metadata__ names no optimizer`);
    return undefined;
  }
  const kind = meta[META.optimizer]!;
  if (kind === '') throw new CheckpointError(`__metadata__ "${META.optimizer}" is empty`);
  for (const k of [META.paramGroups, META.state]) {
    if (!Object.hasOwn(meta, k)) throw new CheckpointError(`__metadata__ names an optimizer but has no "${k}"`);
  }
  const groups = json(meta, META.paramGroups);
  if (!Array.isArray(groups) || !groups.every(isObject)) {
    throw new CheckpointError(`__metadata__ "${META.paramGroups}" must be a JSON array of objects`);
  }
  const rawState = json(meta, META.state);
  if (!isObject(rawState)) throw new CheckpointError(`__metadata__ "${META.state}" must be a JSON object`);
  const state = new Map<number, SavedParamState>();
  for (const [key, entry] of Object.entries(rawState)) {
    const where = `__metadata__ "${META.state}" entry "${key}"`;
    if (!/^(0|[1-9][0-9]{0,8})$/.test(key)) throw new CheckpointError(`${where}: keys must be parameter indices`);
    if (!isObject(entry)) throw new CheckpointError(`${where}: expected an object of numbers`);
    for (const [k, v] of Object.entries(entry)) {
      if (typeof v !== 'number') throw new CheckpointError(`${where}: "${k}" must be a number`);
    }
    if (!Object.hasOwn(entry, 'step')) throw new CheckpointError(`${where}: has no "step"`);
    state.set(Number(key), { scalars: entry as Record<string, number>, buffers: new Map() });
  }
  for (const name of stateTensors) {
    const parsed = parseStateName(name);
    if (!parsed) throw new CheckpointError(`tensor "${name}": optimizer state names are "state.<index>.<buffer>"`);
    const [i, b] = parsed;
    const entry = state.get(i);
    if (!entry) throw new CheckpointError(`tensor "${name}": parameter ${i} has no entry in __metadata__ "${META.state}"`);
    if (Object.hasOwn(entry.scalars, b)) throw new CheckpointError(`tensor "${name}": "${b}" is also a scalar in __metadata__ "${META.state}"`);
    entry.buffers.set(b, file.tensors.get(name)!);
  }
  return { kind, paramGroups: groups as Array<Record<string, unknown>>, state };
}

/**
 * Parses and checks the metadata and tensor names of a checkpoint; throws a
 * {@link CheckpointError} naming the first entry that is missing, malformed or unexpected.
 */
export function readContents(file: SafetensorsFile): Contents {
  const meta = file.metadata;
  for (const [name, t] of file.tensors) {
    if (!name.startsWith(PARAM_PREFIX) && !name.startsWith(STATE_PREFIX)) {
      throw new CheckpointError(`unexpected tensor "${name}" (names start with "${PARAM_PREFIX}" or "${STATE_PREFIX}")`);
    }
    if (t.dtype !== 'F32') throw new CheckpointError(`tensor "${name}" has dtype ${t.dtype}; checkpoints hold F32 only`);
  }
  const kernelHash = meta[META.kernelHash];
  if (kernelHash === undefined) throw new CheckpointError(`__metadata__ has no "${META.kernelHash}"`);
  const params = readParamList(file);
  const optimizer = readOptimizer(file);
  const hasScheduler = Object.hasOwn(meta, META.scheduler);
  const scheduler = hasScheduler ? json(meta, META.scheduler) : undefined;
  const extra = Object.hasOwn(meta, META.extra) ? json(meta, META.extra) : undefined;
  return { file, kernelHash, params, optimizer, hasScheduler, scheduler, extra };
}
