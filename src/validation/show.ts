const MAX = 80;

/** How a value appears in an error message: `-0`, `NaN`, `"text"`, `[1,2]`, `a function`, … (cut at 80 characters). */
export function show(v: unknown): string {
  const s = text(v);
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

function text(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return 'a function';
  if (v === undefined) return 'undefined';
  if (typeof v === 'symbol' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** True for an object that is neither null nor an array (the shape of an options object). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
