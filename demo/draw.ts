/** Canvas drawing for the playground: a log-scaled contour map, trajectories, a loss chart. */
import type { TestFunction } from './functions.js';
import type { Trajectory } from './playground.js';
import { logTicks, type LossRange, lossRange, stepTicks } from './scale.js';

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

/** The function's lowest value (at its known minima): the floor of the loss chart. */
export function fnMin(fn: TestFunction): number {
  return Math.min(...fn.minima.map(([x, y]) => fn.f(x, y)));
}

/** Draws the first `upto` steps of every trajectory over the landscape, path `i` in `colors[i]`. */
export function drawPaths(ctx: CanvasRenderingContext2D, fn: TestFunction, land: ImageData, paths: Trajectory[], upto: number, colors = COLORS): void {
  ctx.putImageData(land, 0, 0);
  const { px, py } = toCanvas(fn, ctx.canvas.width, ctx.canvas.height);
  for (const [x, y] of fn.minima) {
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
    ctx.fill();
  }
  paths.forEach((t, i) => {
    ctx.strokeStyle = colors[i % colors.length]!;
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

/**
 * Loss against step on a log scale, up to step `upto`: the gap to the function's minimum
 * (`loss − floor`, so functions whose minimum is not 0 plot too), decade ticks, step ticks. A
 * diverging trajectory is drawn up to the top edge and stops there; it does not set the scale.
 */
export function drawLosses(ctx: CanvasRenderingContext2D, paths: Trajectory[], upto: number, floor = 0, colors = COLORS): LossRange {
  const { width: w, height: h } = ctx.canvas;
  const left = 46, right = 10, top = 10, bottom = 34;
  const pw = w - left - right, ph = h - top - bottom;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const gaps = paths.map((t) => t.losses.map((v) => v - floor));
  const range = lossRange(gaps);
  const { lo, hi } = range;
  const steps = Math.max(1, ...paths.map((t) => t.losses.length - 1));
  const X = (s: number) => left + (s / steps) * pw;
  const Y = (log: number) => top + (1 - (log - lo) / (hi - lo)) * ph;
  ctx.font = '11px sans-serif';
  ctx.lineWidth = 1;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const t of logTicks(lo, hi)) {
    ctx.strokeStyle = '#eee';
    ctx.beginPath();
    ctx.moveTo(left, Y(t.at));
    ctx.lineTo(w - right, Y(t.at));
    ctx.stroke();
    ctx.fillStyle = '#333';
    ctx.fillText(t.label, left - 4, Y(t.at));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of stepTicks(steps)) {
    ctx.strokeStyle = '#888';
    ctx.beginPath();
    ctx.moveTo(X(t.at), top + ph);
    ctx.lineTo(X(t.at), top + ph + 4);
    ctx.stroke();
    ctx.fillText(t.label, X(t.at), top + ph + 6);
  }
  ctx.fillText(floor === 0 ? 'step · loss (log scale)' : 'step · loss − minimum (log scale)', left + pw / 2, h - 13);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(left, top, pw, ph);
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, pw, ph);
  ctx.clip();
  ctx.lineWidth = 1.5;
  paths.forEach((_, i) => {
    ctx.strokeStyle = colors[i % colors.length]!;
    ctx.beginPath();
    const stop = range.divergedAt[i]! >= 0 ? range.divergedAt[i]! : Infinity;
    const n = Math.min(upto, gaps[i]!.length - 1);
    for (let s = 0; s <= n; s++) {
      // Off the top (diverged): one segment up to the edge, then stop.
      const v = s >= stop ? hi + 1 : Math.log10(Math.max(1e-12, gaps[i]![s]!));
      const y = Math.min(h + 10, Math.max(top - 10, Y(v)));
      if (s === 0) ctx.moveTo(X(s), y);
      else ctx.lineTo(X(s), y);
      if (s >= stop) break;
    }
    ctx.stroke();
  });
  ctx.restore();
  return range;
}
