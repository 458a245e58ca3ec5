/**
 * Axes of the playground's loss chart, as pure functions: the log-scaled value range (robust to
 * an optimizer that diverges), decade ticks with readable labels, step ticks, and the parsing of
 * a learning-rate field.
 */

/** A tick: where (in the axis's own units: log10 of the value, or steps) and its label. */
export interface Tick {
  at: number;
  label: string;
}

/** How far above the starting loss a curve may go before it counts as diverged. */
export const DIVERGE_FACTOR = 100;

export interface LossRange {
  /** log10 of the lowest and highest values shown (whole decades). */
  lo: number;
  hi: number;
  /** Per series: the first step whose value is non-finite or above the chart (diverged), or -1. */
  divergedAt: number[];
}

/**
 * The log10 range for plotting `series` (values already positive gaps to the minimum, e.g.
 * f − f*): from the smallest positive value to the largest. A series that reaches a value above
 * {@link DIVERGE_FACTOR} × the largest starting value, or a non-finite one, has diverged: it is
 * drawn clipped and does not set the range, so one exploding optimizer cannot flatten the
 * others. Snapped
 * outwards to whole decades, at least one decade tall, floored at 1e-12.
 */
export function lossRange(series: ReadonlyArray<ArrayLike<number>>): LossRange {
  const starts = series.map((s) => s[0]).filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  const cap = starts.length ? Math.max(...starts) * DIVERGE_FACTOR : Infinity;
  const divergedAt = series.map((s) => {
    for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!) || s[i]! > cap) return i;
    return -1;
  });
  // The range comes from the series that stayed on the chart (all of them, up to where they
  // left it, when every one diverged).
  const steady = divergedAt.some((d) => d < 0);
  let min = Infinity, max = -Infinity;
  series.forEach((s, k) => {
    if (steady && divergedAt[k]! >= 0) return;
    const end = divergedAt[k]! >= 0 ? divergedAt[k]! : s.length;
    for (let i = 0; i < end; i++) {
      const v = s[i]!;
      if (v > 0) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  });
  if (!(max > 0)) return { lo: -1, hi: 1, divergedAt };
  let lo = Math.floor(Math.log10(Math.max(min, 1e-12)));
  let hi = Math.ceil(Math.log10(max));
  if (hi <= lo) hi = lo + 1;
  return { lo, hi, divergedAt };
}

/** `10^e` as a label: plain decimals from 0.001 to 10,000, else `1e-6`, `1e12`. */
export function decadeLabel(e: number): string {
  if (e >= -3 && e <= 4) return e < 0 ? (10 ** e).toFixed(-e) : String(10 ** e);
  return `1e${e}`;
}

/**
 * Ticks at whole decades between `lo` and `hi` (log10, integers), every decade when there are
 * at most `max` of them, else every second, third, … decade, always including `lo`.
 */
export function logTicks(lo: number, hi: number, max = 6): Tick[] {
  const every = Math.max(1, Math.ceil((hi - lo + 1) / max));
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e += every) ticks.push({ at: e, label: decadeLabel(e) });
  return ticks;
}

/** A round step (1, 2 or 5 × 10^k) that splits `span` into at most `max` parts. */
export function niceStep(span: number, max: number): number {
  const raw = span / Math.max(1, max);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Ticks at round multiples from 0 to `steps` (at most `max` + 1 of them). */
export function stepTicks(steps: number, max = 5): Tick[] {
  const every = niceStep(steps, max);
  const ticks: Tick[] = [];
  for (let s = 0; s <= steps + 1e-9; s += every) ticks.push({ at: s, label: String(Math.round(s)) });
  return ticks;
}

/**
 * A learning-rate field's text as a number: a finite number ≥ 0 (`1e-3`, `0.05`), else a
 * `RangeError` naming the optimizer and what was typed.
 */
export function parseLr(text: string, optimizer: string): number {
  const t = text.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v) || v < 0) {
    throw new RangeError(`${optimizer}: learning rate must be a number ≥ 0, got ${t === '' ? 'nothing' : JSON.stringify(t)}`);
  }
  return v;
}
