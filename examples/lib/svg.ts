/**
 * Loss curves as a self-contained SVG: one polyline per series, axes with ticks, a legend, and a
 * logarithmic y axis when the values span more than two decades.
 */
export interface Series {
  name: string;
  values: readonly number[];
}

export interface ChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** Log-scale y: `true`, `false`, or `'auto'` (default: when max/min > 100). */
  logY?: boolean | 'auto';
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const W = 720, H = 420, L = 70, R = 170, T = 40, B = 50;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const label = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(4))));

/** Renders the chart; non-finite values are skipped. */
export function lossChartSvg(series: readonly Series[], options: ChartOptions): string {
  const finite = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const maxLen = Math.max(1, ...series.map((s) => s.values.length));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  const logY = options.logY === true || ((options.logY ?? 'auto') === 'auto' && lo > 0 && hi / lo > 100);
  const fy = logY ? (v: number) => Math.log10(v) : (v: number) => v;
  if (logY) lo = Math.max(lo, hi * 1e-12);
  else {
    const pad = 0.04 * (hi - lo);
    lo -= pad;
    hi += pad;
  }
  let ylo = fy(lo), yhi = fy(hi);
  if (yhi === ylo) {
    yhi += 0.5;
    ylo -= 0.5;
  }
  const px = (i: number) => L + ((W - L - R) * i) / Math.max(1, maxLen - 1);
  const py = (v: number) => T + (H - T - B) * (1 - (fy(v) - ylo) / (yhi - ylo));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(W - R + L) / 2}" y="22" text-anchor="middle" font-size="15">${esc(options.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
  ];
  const yt = logY ? ticks(Math.floor(ylo), Math.ceil(yhi), Math.ceil(yhi) - Math.floor(ylo)).map((e) => 10 ** e) : ticks(lo, hi, 6);
  for (const v of yt) {
    const y = py(v);
    if (y < T - 0.5 || y > H - B + 0.5) continue;
    parts.push(`<line x1="${L - 4}" y1="${y.toFixed(1)}" x2="${W - R}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 7}" y="${(y + 4).toFixed(1)}" text-anchor="end">${label(v)}</text>`);
  }
  for (const i of ticks(0, maxLen - 1, 8).filter((v) => Number.isInteger(v))) {
    parts.push(`<text x="${px(i).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${label(i + 1)}</text>`);
  }
  if (options.xLabel) parts.push(`<text x="${(W - R + L) / 2}" y="${H - 10}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (options.yLabel) {
    parts.push(`<text x="16" y="${(H - B + T) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(H - B + T) / 2})">${esc(options.yLabel)}${logY ? ' (log)' : ''}</text>`);
  }
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const pts = s.values.map((v, i) => (Number.isFinite(v) && (!logY || v > 0) ? `${px(i).toFixed(1)},${py(Math.max(v, lo)).toFixed(1)}` : null)).filter((p) => p !== null);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${pts.join(' ')}"/>`);
    const ly = T + 10 + 18 * k;
    parts.push(`<line x1="${W - R + 14}" y1="${ly}" x2="${W - R + 36}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${W - R + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>\n');
  return parts.join('\n');
}
