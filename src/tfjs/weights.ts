/**
 * The adapter's state in tfjs's optimizer-weights format (what `getWeights()` / `setWeights()`
 * exchange and `model.save(…, { includeOptimizer: true })` stores): `iter` first, then per
 * variable `<variable name>/step` (int32 scalar), scalar state `<name>/<key>` (float32 scalar;
 * the library keeps it in float32, so the round trip is exact) and each state buffer
 * `<name>/<buffer>` (float32, the variable's shape), buffers under torch's names.
 */
import { scalar, tensor } from '@tensorflow/tfjs-core';
import type { ParamState } from '../index.js';
import type { NamedTensor } from './optimizer.js';
import type { Bindings, Pending } from './bindings.js';

/** Named tensors for every bound variable's state (variables before their first step have none). */
export function writeWeights(b: Bindings): NamedTensor[] {
  const states = b.states();
  const list = b.pending ?? b.ordered().map((s) => ({ name: s.name, shape: s.variable.shape, state: states.get(s.name) }));
  const out: NamedTensor[] = [];
  for (const s of list) {
    const st = s.state;
    if (!st) continue;
    for (const [key, v] of Object.entries(st)) {
      const name = `${s.name}/${key}`;
      if (key === 'step') out.push({ name, tensor: scalar(v as number, 'int32') });
      else if (typeof v === 'number') out.push({ name, tensor: scalar(v, 'float32') });
      else out.push({ name, tensor: tensor(v, [...s.shape], 'float32') });
    }
  }
  return out;
}

/**
 * Checks `weights` (from {@link writeWeights}, starting with `iter`) and returns the iteration
 * count and the per-variable states in their order. Throws on a malformed list. As tfjs's own
 * optimizers do, the states are later given to the variables by position — the i-th variable of
 * the next `applyGradients` gets the i-th state — so a model rebuilt under other variable names
 * (`tf.loadLayersModel` uniquifies them) gets its state back.
 */
export async function readWeights(
  b: Bindings,
  weights: NamedTensor[],
  hyper: Record<string, unknown>,
): Promise<{ iterations: number; pending: Pending }> {
  const where = 'WasmOptimizer.setWeights';
  if (!Array.isArray(weights) || weights.length === 0) throw new TypeError(`${where}: expected a NamedTensor[] starting with "iter"`);
  const first = weights[0]!;
  if (first?.name !== 'iter' || first.tensor?.size !== 1) throw new TypeError(`${where}: the first entry must be the scalar "iter"`);
  const iterations = (await first.tensor.data())[0]!;
  const byVar = new Map<string, ParamState>();
  const shapes = new Map<string, number[]>();
  for (const [i, w] of weights.slice(1).entries()) {
    if (typeof w !== 'object' || w === null || typeof w.name !== 'string' || !w.tensor) throw new TypeError(`${where}: entry ${i + 1} must be { name, tensor }`);
    const cut = w.name.lastIndexOf('/');
    if (cut <= 0) throw new TypeError(`${where}: entry "${w.name}" is not "<variable>/<state>"`);
    const vname = w.name.slice(0, cut), key = w.name.slice(cut + 1);
    let st = byVar.get(vname);
    if (!st) {
      st = {} as ParamState;
      byVar.set(vname, st);
    }
    if (key in st) throw new TypeError(`${where}: entry "${w.name}" appears more than once`);
    const data = await w.tensor.data();
    if (key === 'step' || w.tensor.rank === 0) {
      if (w.tensor.size !== 1) throw new RangeError(`${where}: entry "${w.name}" must be a scalar`);
      st[key] = data[0]!;
    } else {
      const shape = shapes.get(vname);
      if (shape && (shape.length !== w.tensor.rank || shape.some((d, k) => d !== w.tensor.shape[k]))) {
        throw new RangeError(`${where}: entry "${w.name}" has shape [${w.tensor.shape.join(', ')}], other state of "${vname}" [${shape.join(', ')}]`);
      }
      shapes.set(vname, [...w.tensor.shape]);
      st[key] = Float32Array.from(data);
    }
  }
  for (const [vname, st] of byVar) if (!('step' in st)) throw new TypeError(`${where}: variable "${vname}" has state but no "${vname}/step"`);
  // Let the optimizer check the entries: load them into a probe over parameters of the same sizes.
  const names = [...byVar.keys()];
  if (names.length > 0) {
    const probe = b.engine.parameters(names.map((n) => shapes.get(n) ?? [1]));
    try {
      b.build(probe, hyper, names.map((n) => byVar.get(n))).dispose();
    } catch (e) {
      throw e instanceof Error ? Object.assign(e, { message: e.message.replace(/^[\w.]+: /, `${where}: `) }) : e;
    } finally {
      probe.forEach((p) => p.dispose());
    }
  }
  return { iterations, pending: names.map((name) => ({ name, shape: shapes.get(name) ?? [], state: byVar.get(name)! })) };
}
