/**
 * The adapter's state in tfjs's optimizer-weights format (what `getWeights()` / `setWeights()`
 * exchange and `model.save(…, { includeOptimizer: true })` stores): `iter` first, then per
 * variable `<variable name>/step` (int32 scalar), scalar state `<name>/<key>` (float32 scalar;
 * the library keeps it in float32, so the round trip is exact) and each state buffer
 * `<name>/<buffer>` (float32, the variable's shape), buffers under torch's names.
 */
import { engine as tfEngine, scalar, tensor, type Variable } from '@tensorflow/tfjs-core';
import type { ParamState } from '../index.js';
import type { NamedTensor } from './optimizer.js';
import type { Bindings, Slot } from './bindings.js';

/** Named tensors for every bound variable's state (variables before their first step have none). */
export function writeWeights(b: Bindings): NamedTensor[] {
  const states = b.states();
  const out: NamedTensor[] = [];
  for (const s of b.ordered()) {
    const st = states.get(s.name);
    if (!st) continue;
    for (const [key, v] of Object.entries(st)) {
      const name = `${s.name}/${key}`;
      if (key === 'step') out.push({ name, tensor: scalar(v as number, 'int32') });
      else if (typeof v === 'number') out.push({ name, tensor: scalar(v, 'float32') });
      else out.push({ name, tensor: tensor(v, s.variable.shape, 'float32') });
    }
  }
  return out;
}

/**
 * Checks `weights` (from {@link writeWeights}, after `iter`), then replaces every variable's state
 * with them: the optimizer is rebuilt over the variables named, in the order they appear.
 * Variables not named start afresh. Throws (changing nothing) on a malformed list.
 */
export async function readWeights(
  b: Bindings,
  weights: NamedTensor[],
  hyper: Record<string, unknown>,
): Promise<{ iterations: number }> {
  const where = 'WasmOptimizer.setWeights';
  if (!Array.isArray(weights) || weights.length === 0) throw new TypeError(`${where}: expected a NamedTensor[] starting with "iter"`);
  const first = weights[0]!;
  if (first?.name !== 'iter' || first.tensor?.size !== 1) throw new TypeError(`${where}: the first entry must be the scalar "iter"`);
  const iterations = (await first.tensor.data())[0]!;
  const registered = tfEngine().registeredVariables;
  const byVar = new Map<string, ParamState>();
  const vars: Variable[] = [];
  for (const [i, w] of weights.slice(1).entries()) {
    if (typeof w !== 'object' || w === null || typeof w.name !== 'string' || !w.tensor) throw new TypeError(`${where}: entry ${i + 1} must be { name, tensor }`);
    const cut = w.name.lastIndexOf('/');
    if (cut <= 0) throw new TypeError(`${where}: entry "${w.name}" is not "<variable>/<state>"`);
    const vname = w.name.slice(0, cut), key = w.name.slice(cut + 1);
    const v = registered[vname];
    if (!v) throw new TypeError(`${where}: no variable named "${vname}" is registered (entry "${w.name}")`);
    let st = byVar.get(vname);
    if (!st) {
      st = {} as ParamState;
      byVar.set(vname, st);
      vars.push(v);
    }
    if (key in st) throw new TypeError(`${where}: entry "${w.name}" appears more than once`);
    const data = await w.tensor.data();
    if (key === 'step' || w.tensor.rank === 0) {
      if (w.tensor.size !== 1) throw new RangeError(`${where}: entry "${w.name}" must be a scalar`);
      st[key] = data[0]!;
    } else {
      if (w.tensor.size !== v.size) throw new RangeError(`${where}: entry "${w.name}" has ${w.tensor.size} elements, the variable ${v.size}`);
      st[key] = Float32Array.from(data);
    }
  }
  for (const [vname, st] of byVar) if (!('step' in st)) throw new TypeError(`${where}: variable "${vname}" has state but no "${vname}/step"`);
  // Bind and build a candidate over the named variables; only once it has loaded does it replace the old one.
  const names = [...byVar.keys()];
  const before = new Set(b.slots.keys());
  b.stashActive();
  b.releaseDisposed();
  b.bindNew(names, vars);
  const slots: Slot[] = names.map((n) => b.slots.get(n)!);
  try {
    b.inner = names.length > 0 ? b.build(slots, hyper, names.map((n) => byVar.get(n))) : null;
  } catch (e) {
    for (const n of names) if (!before.has(n)) b.slots.delete(n);
    b.freeOrphans();
    throw e instanceof Error ? Object.assign(e, { message: e.message.replace(/^[\w.]+: /, `${where}: `) }) : e;
  }
  for (const s of b.slots.values()) s.stash = undefined;
  b.active = b.inner ? slots : [];
  b.freeOrphans();
  return { iterations };
}
