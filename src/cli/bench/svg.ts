/**
 * The README chart: speed-up of the SIMD `step()` against size, one line per optimizer, in two
 * panels — over idiomatic JS and over tfjs-wasm. Log-scaled axes, plain SVG, no dependencies.
 */
import { type Row, sizeLabel } from './report.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Panel {
  title: string;
  pick: (r: Row) => number | undefined;
}

const PANELS: Panel[] = [
  { title: 'SIMD step() vs idiomatic JS', pick: (r) => r.vsIdiomatic },
  { title: 'SIMD step() vs tfjs-wasm', pick: (r) => r.vsTfjsWasm },
];

/** Renders the chart for `rows`; `subtitle` names the machine and command. */
export function speedupSvg(rows: readonly Row[], subtitle: string): string {
  const W = 420, H = 300, M = { l: 52, r: 14, t: 46, b: 42 };
  const optimizers = [...new Set(rows.map((r) => r.optimizer))];
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  const lx0 = Math.log2(sizes[0] ?? 1024), lx1 = Math.log2(sizes[sizes.length - 1] ?? 1 << 24);
  const legendH = 18 * Math.ceil(optimizers.length / 4) + 8;
  const width = W * PANELS.length, height = H + legendH + 22;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
  ];
  PANELS.forEach((panel, pi) => {
    const ox = pi * W;
    const values = rows.map(panel.pick).filter((v): v is number => v !== undefined && v > 0);
    const ymax = 2 ** Math.ceil(Math.log2(Math.max(2, ...values)));
    const ymin = 2 ** Math.floor(Math.log2(Math.min(1, ...values)));
    const x = (n: number) => ox + M.l + ((Math.log2(n) - lx0) / Math.max(1, lx1 - lx0)) * (W - M.l - M.r);
    const y = (v: number) => M.t + (1 - (Math.log2(v) - Math.log2(ymin)) / (Math.log2(ymax) - Math.log2(ymin))) * (H - M.t - M.b);
    out.push(`<text x="${ox + W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${esc(panel.title)}</text>`);
    for (let v = ymin; v <= ymax; v *= 2) {
      out.push(`<line x1="${ox + M.l}" x2="${ox + W - M.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${v === 1 ? '#888' : '#e5e5e5'}"/>`);
      out.push(`<text x="${ox + M.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}×</text>`);
    }
    for (const n of sizes) {
      out.push(`<line x1="${x(n).toFixed(1)}" x2="${x(n).toFixed(1)}" y1="${M.t}" y2="${H - M.b}" stroke="#f0f0f0"/>`);
      out.push(`<text x="${x(n).toFixed(1)}" y="${H - M.b + 16}" text-anchor="middle">${sizeLabel(n)}</text>`);
    }
    out.push(`<text x="${ox + (M.l + W - M.r) / 2}" y="${H - 8}" text-anchor="middle">parameters</text>`);
    optimizers.forEach((o, oi) => {
      const pts = rows
        .filter((r) => r.optimizer === o)
        .map((r) => [r.size, panel.pick(r)] as const)
        .filter((p): p is readonly [number, number] => p[1] !== undefined && p[1] > 0)
        .sort((a, b) => a[0] - b[0]);
      if (!pts.length) return;
      const color = COLORS[oi % COLORS.length]!;
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
      for (const [n, v] of pts) out.push(`<circle cx="${x(n).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(o)} ${sizeLabel(n)}: ${v.toFixed(2)}×</title></circle>`);
    });
  });
  optimizers.forEach((o, oi) => {
    const lx = 20 + (oi % 4) * 190, ly = H + 4 + 18 * Math.floor(oi / 4);
    out.push(`<rect x="${lx}" y="${ly}" width="14" height="4" fill="${COLORS[oi % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 20}" y="${ly + 6}">${esc(o)}</text>`);
  });
  out.push(`<text x="${width / 2}" y="${height - 6}" text-anchor="middle" fill="#666" font-size="10">${esc(subtitle)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
