/**
 * Parameter lists → contiguous memory ranges, so the toolkit makes one kernel call per range
 * instead of one per tensor. Parameters made by one `engine.parameters()` call lie back to back
 * (values in one block, gradients in another) and merge into a single range.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';

/** A stretch of memory covering whole parameters, in order. */
export interface Range {
  /** Byte offset of the first element. */
  offset: number;
  /** Elements in the range. */
  n: number;
  /** The parameters covered, in memory order. */
  params: Parameter[];
}

/**
 * Checks a parameter list: a Parameter or an iterable of them, none disposed, none repeated, all
 * of one engine. Returns the list and its engine (undefined when the list is empty).
 */
export function checkParams(
  params: Parameter | Iterable<Parameter>,
  where: string,
): { list: Parameter[]; engine: Engine | undefined } {
  let list: Parameter[];
  if (params instanceof Parameter) list = [params];
  else if (params !== null && typeof params === 'object' && Symbol.iterator in params) list = [...params];
  else throw new TypeError(`${where}: params must be a Parameter or an iterable of Parameters`);
  const seen = new Set<Parameter>();
  let engine: Engine | undefined;
  for (const [i, p] of list.entries()) {
    if (!(p instanceof Parameter)) throw new TypeError(`${where}: params[${i}] is not a Parameter`);
    if (p.disposed) throw new TypeError(`${where}: params[${i}] has been disposed`);
    if (seen.has(p)) throw new TypeError(`${where}: params[${i}] appears more than once`);
    seen.add(p);
    const e = p.host as Engine;
    engine ??= e;
    if (e !== engine) throw new TypeError(`${where}: all parameters must belong to one engine`);
  }
  return { list, engine };
}

/**
 * Merges parameters into ranges over their gradients (`'gradOffset'`) or values (`'offset'`):
 * sorted by address, adjacent ones joined. Empty parameters are left out.
 */
export function rangesOf(params: readonly Parameter[], key: 'offset' | 'gradOffset'): Range[] {
  const sorted = params.filter((p) => p.length > 0).sort((a, b) => a[key] - b[key]);
  const out: Range[] = [];
  let cur: Range | undefined;
  for (const p of sorted) {
    if (cur && cur.offset + cur.n * 4 === p[key]) {
      cur.n += p.length;
      cur.params.push(p);
    } else {
      cur = { offset: p[key], n: p.length, params: [p] };
      out.push(cur);
    }
  }
  return out;
}

/** One copy job: `n` floats from `src` to `dst` (byte offsets). */
export interface Move {
  dst: number;
  src: number;
  n: number;
}

/** Joins consecutive moves whose sources and destinations both continue where the last ended. */
export function mergeMoves(moves: readonly Move[]): Move[] {
  const out: Move[] = [];
  for (const m of moves) {
    if (m.n === 0) continue;
    const last = out[out.length - 1];
    if (last && last.dst + last.n * 4 === m.dst && last.src + last.n * 4 === m.src) last.n += m.n;
    else out.push({ ...m });
  }
  return out;
}
