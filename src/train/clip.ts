/**
 * Gradient clipping with the semantics of `torch.nn.utils.clip_grad_norm_` /
 * `clip_grad_value_` (PyTorch 2.11), run as WebAssembly reductions and elementwise kernels over
 * each contiguous range of gradients (parameters made together form one range: one call).
 *
 * Norm clipping (Pascanu et al., 2013, https://arxiv.org/abs/1211.5063):
 * ```
 * total = ‖ (‖g₁‖ₚ, …, ‖gₖ‖ₚ) ‖ₚ          (= ‖concat(g₁, …, gₖ)‖ₚ; p ∈ {1, 2, ∞})
 * coef  = min(maxNorm / (total + 1e-6), 1)
 * gᵢ   ← coef · gᵢ                           (also when coef = 1, as torch does)
 * ```
 * The float32 rules follow torch: `total` is a float32 number, `total + 1e-6` is a float32 sum,
 * the division is torch's `reciprocal() * maxNorm` in float32, then the clamp to 1. The sums
 * behind `total` run in float64 (reduction kernels), then round once to float32.
 */
import type { Engine } from '../engine.js';
import type { Parameter } from '../memory/parameter.js';
import { bool, type Check, checkOptions, type Schema, show } from '../validation/index.js';
import { scalars } from '../wasm/kernel-table.js';
import { checkParams, rangesOf } from './ranges.js';

const f = Math.fround;

const SCALE = scalars('scale_f32');
const CLAMP = scalars('clamp_f32');

/** Which p-norm: 1, 2, or ∞ (`Infinity` or `'inf'`, torch's spelling). */
export type NormType = number | 'inf';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm: 1, 2 or Infinity / 'inf'. Default 2. */
  normType?: NormType;
  /** Throw a RangeError (and leave the gradients alone) when the total norm is NaN or ±Inf. Default false. */
  errorIfNonfinite?: boolean;
}

function parseNormType(v: unknown, where: string): 1 | 2 | typeof Infinity {
  if (v === undefined) return 2;
  if (v === 'inf' || v === Infinity) return Infinity;
  if (v === 1 || v === 2) return v;
  if (typeof v !== 'number' && typeof v !== 'string') throw new TypeError(`${where}: normType must be 1, 2, Infinity or 'inf', got ${show(v)}`);
  throw new RangeError(`${where}: normType must be 1, 2, Infinity or 'inf', got ${show(v)}`);
}

function checkNonNegative(v: unknown, name: string, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${show(v)}`);
  if (!(v >= 0)) throw new RangeError(`${where}: ${name} must be >= 0, got ${show(v)}`);
  return v;
}

const OPTIONS: Schema<ClipGradNormOptions> = {
  normType: ((v, _name, where) => void parseNormType(v, where)) as Check,
  errorIfNonfinite: bool,
};

function readOptions(options: unknown, where: string): { p: 1 | 2 | typeof Infinity; errorIfNonfinite: boolean } {
  checkOptions(options, OPTIONS, where);
  const o = options as ClipGradNormOptions;
  return { p: parseNormType(o.normType, where), errorIfNonfinite: o.errorIfNonfinite ?? false };
}

/** Total p-norm of the gradients of `list`, as a float32 number, from the reduction kernels. */
function totalNorm(engine: Engine, list: readonly Parameter[], p: 1 | 2 | typeof Infinity): number {
  const k = engine.kernels;
  let acc = 0;
  for (const r of rangesOf(list, 'gradOffset')) {
    if (p === 2) acc += k.sum_squares_f32(r.offset, r.n);
    else if (p === 1) acc += k.sum_abs_f32(r.offset, r.n);
    else acc = Math.max(acc, k.max_abs_f32(r.offset, r.n));
  }
  return f(p === 2 ? Math.sqrt(acc) : acc);
}

/**
 * The total p-norm of the gradients, as if they were one vector; gradients are not changed
 * (torch's `get_total_norm`). 0 for an empty list.
 *
 * @example
 * const norm = gradNorm([w, b]);           // L2
 * const linf = gradNorm([w, b], 'inf');
 */
export function gradNorm(params: Parameter | Iterable<Parameter>, normType: NormType = 2): number {
  const where = 'gradNorm';
  const p = parseNormType(normType, where);
  const { list, engine } = checkParams(params, where);
  return engine ? totalNorm(engine, list, p) : 0;
}

/**
 * Scales the gradients by `min(maxNorm / (totalNorm + 1e-6), 1)` with torch's float32 rules
 * (torch's `clip_grads_with_norm_`): use it with a norm from {@link gradNorm}, e.g. one computed
 * before other gradients were added.
 */
export function clipGradsWithNorm(params: Parameter | Iterable<Parameter>, maxNorm: number, totalNorm: number): void {
  const where = 'clipGradsWithNorm';
  const max = checkNonNegative(maxNorm, 'maxNorm', where);
  if (typeof totalNorm !== 'number') throw new TypeError(`${where}: totalNorm must be a number, got ${show(totalNorm)}`);
  const { list, engine } = checkParams(params, where);
  if (engine) scaleAll(engine, list, coefficient(max, totalNorm));
}

/** torch: `clamp(max_norm * reciprocal(total + 1e-6), max=1)`, every operation in float32. */
function coefficient(maxNorm: number, total: number): number {
  const coef = f(f(1 / f(f(total) + f(1e-6))) * f(maxNorm));
  return Math.min(coef, 1); // NaN stays NaN, as torch.clamp
}

function scaleAll(engine: Engine, list: readonly Parameter[], coef: number): void {
  const k = engine.kernels;
  SCALE.a = coef;
  for (const r of rangesOf(list, 'gradOffset')) k.scale_f32(r.offset, r.n, SCALE);
}

/**
 * Clips the gradients of `params` in place so their total p-norm is at most `maxNorm`; returns
 * the total norm before clipping (a float32 number), like `torch.nn.utils.clip_grad_norm_`.
 *
 * When the total is NaN or ±Inf the gradients are scaled by NaN or 0 (as torch), unless
 * `errorIfNonfinite` is set: then a RangeError is thrown and nothing changes.
 *
 * @param params a Parameter or an iterable of them (one engine; order does not matter)
 * @param maxNorm the largest norm allowed, ≥ 0
 * @param options `normType` (1, 2 or Infinity / 'inf'; default 2), `errorIfNonfinite` (default false)
 *
 * @example
 * // after writing gradients, before optimizer.step():
 * const norm = clipGradNorm(model, 1.0);                    // L2, torch's defaults
 * clipGradNorm(model, 5, { normType: 'inf', errorIfNonfinite: true });
 */
export function clipGradNorm(
  params: Parameter | Iterable<Parameter>,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  const where = 'clipGradNorm';
  const max = checkNonNegative(maxNorm, 'maxNorm', where);
  const { p, errorIfNonfinite } = readOptions(options, where);
  const { list, engine } = checkParams(params, where);
  if (!engine) return 0;
  const total = totalNorm(engine, list, p);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(
      `${where}: the total norm of order ${p} of the gradients is ${total}, so it cannot be clipped; ` +
        'set errorIfNonfinite: false to scale the gradients by it anyway',
    );
  }
  scaleAll(engine, list, coefficient(max, total));
  return total;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue] in place (`torch.nn.utils.clip_grad_value_`).
 * NaN elements stay NaN.
 *
 * @example
 * clipGradValue([w, b], 0.5);
 */
export function clipGradValue(params: Parameter | Iterable<Parameter>, clipValue: number): void {
  const where = 'clipGradValue';
  const c = f(checkNonNegative(clipValue, 'clipValue', where)) + 0; // + 0: −0 becomes +0
  const { list, engine } = checkParams(params, where);
  if (!engine) return;
  const k = engine.kernels;
  CLAMP.lo = -c;
  CLAMP.hi = c;
  for (const r of rangesOf(list, 'gradOffset')) k.clamp_f32(r.offset, r.n, CLAMP);
}
