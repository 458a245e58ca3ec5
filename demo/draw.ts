/** Canvas drawing for the playground: a log-scaled contour map, trajectories, a loss chart. */
import type { TestFunction } from './functions.js';
import type { Trajectory } from './playground.js';

export const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#800000', '#469990', '#000075', '#808000', '#a9a9a9'];

export function toCanvas(fn: TestFunction, w: number, h: number) {
  const [x0, x1] = fn.xRange, [y0, y1] = fn.yRange;
  return {
    px: (x: number) => ((x - x0) / (x1 - x0)) * w,
    py: (y: number) => h - ((y - y0) / (y1 - y0)) * h,
  };
}

/** Renders the function's landscape (log of the value) with iso-lines, once per function. */
export function drawLandscape(ctx: CanvasRenderingContext2D, fn: TestFunction): ImageData {
  const { width: w, height: h } = ctx.canvas;
  const img = ctx.createImageData(w, h);
  const vals = new Float64Array(w * h);
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < h; j++) {
    const y = fn.yRange[1] - ((j + 0.5) / h) * (fn.yRange[1] - fn.yRange[0]);
    for (let i = 0; i < w; i++) {
      const x = fn.xRange[0] + ((i + 0.5) / w) * (fn.xRange[1] - fn.xRange[0]);
      const v = Math.log1p(Math.max(0, fn.f(x, y) - fnMin(fn)));
      vals[j * w + i] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const levels = 18;
  for (let k = 0; k < w * h; k++) {
    const t = (vals[k]! - lo) / (hi - lo || 1);
    const band = Math.floor(t * levels);
    const right = k % w < w - 1 ? Math.floor(((vals[k + 1]! - lo) / (hi - lo || 1)) * levels) : band;
    const down = k + w < w * h ? Math.floor(((vals[k + w]! - lo) / (hi - lo || 1)) * levels) : band;
    const edge = band !== right || band !== down;
    img.data[4 * k] = edge ? 90 : 255 - 120 * t;
    img.data[4 * k + 1] = edge ? 90 : 245 - 170 * t;
    img.data[4 * k + 2] = edge ? 110 : 200 - 60 * t;
    img.data[4 * k + 3] = 255;
  }
  return img;
}

function fnMin(fn: TestFunction): number {
  return Math.min(...fn.minima.map(([x, y]) => fn.f(x, y)));
}

/** Draws the first `upto` steps of every trajectory over the landscape. */
export function drawPaths(ctx: CanvasRenderingContext2D, fn: TestFunction, land: ImageData, paths: Trajectory[], upto: number): void {
  ctx.putImageData(land, 0, 0);
  const { px, py } = toCanvas(fn, ctx.canvas.width, ctx.canvas.height);
  for (const [x, y] of fn.minima) {
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
    ctx.fill();
  }
  paths.forEach((t, i) => {
    ctx.strokeStyle = COLORS[i % COLORS.length]!;
    ctx.lineWidth = 2;
    ctx.beginPath();
    const n = Math.min(upto, t.path.length - 1);
    for (let s = 0; s <= n; s++) {
      const [x, y] = t.path[s]!;
      const X = Math.max(-1e4, Math.min(1e4, px(x))), Y = Math.max(-1e4, Math.min(1e4, py(y)));
      if (s === 0) ctx.moveTo(X, Y);
      else ctx.lineTo(X, Y);
    }
    ctx.stroke();
    const [x, y] = t.path[n]!;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.beginPath();
    ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
    ctx.fill();
  });
}

/** Loss (log scale) against step for every trajectory, up to step `upto`. */
export function drawLosses(ctx: CanvasRenderingContext2D, paths: Trajectory[], upto: number): void {
  const { width: w, height: h } = ctx.canvas;
  const pad = 36;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const all = paths.flatMap((t) => t.losses).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.log10(Math.max(1e-12, Math.min(...all)));
  const hi = Math.log10(Math.max(...all));
  const steps = Math.max(1, ...paths.map((t) => t.losses.length - 1));
  ctx.strokeStyle = '#888';
  ctx.strokeRect(pad, 8, w - pad - 8, h - pad - 8);
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.fillText(`1e${hi.toFixed(1)}`, 2, 16);
  ctx.fillText(`1e${lo.toFixed(1)}`, 2, h - pad);
  ctx.fillText('step', w / 2, h - 6);
  ctx.fillText(String(steps), w - 30, h - pad + 14);
  paths.forEach((t, i) => {
    ctx.strokeStyle = COLORS[i % COLORS.length]!;
    ctx.beginPath();
    const n = Math.min(upto, t.losses.length - 1);
    for (let s = 0; s <= n; s++) {
      const v = Math.log10(Math.max(1e-12, t.losses[s]!));
      const X = pad + (s / steps) * (w - pad - 8);
      const Y = 8 + (1 - (v - lo) / (hi - lo || 1)) * (h - pad - 8);
      if (s === 0) ctx.moveTo(X, Math.min(h, Math.max(0, Y)));
      else ctx.lineTo(X, Math.min(h, Math.max(0, Y)));
    }
    ctx.stroke();
  });
}
