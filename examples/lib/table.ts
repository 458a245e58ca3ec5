/** Plain-text tables with aligned columns (numbers right-aligned). */
export type Cell = string | number;

/** Formats `rows` under `header`; numbers use `digits` decimals unless already strings. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>, digits = 4): string {
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(digits)) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]?.length ?? 0)));
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === 'number'));
  const line = (cells: readonly string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}
