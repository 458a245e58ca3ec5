/** The playground page: wires the controls to the trajectory runner, drawing and benchmark. */
import { createEngine, registrations } from 'wasm-optim';
import { liveBenchmark } from './bench-panel.js';
import { COLORS, drawLandscape, drawLosses, drawPaths } from './draw.js';
import { FUNCTIONS } from './functions.js';
import { defaultOptions, runTrajectories, type Trajectory } from './playground.js';
import { setupTraining } from './train-panel.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// Every registered optimizer; the ones whose registration asks for it start checked.
const SHOWN = registrations().map((r) => r.key);
const CHECKED = new Set(registrations().filter((r) => r.playground.checked).map((r) => r.key));

declare global {
  interface Window {
    playground: { ready: boolean; done: boolean; trajectories: Trajectory[]; backend: string };
  }
}

const engine = await createEngine({ initialBytes: 1 << 20 });
window.playground = { ready: false, done: false, trajectories: [], backend: engine.backend };
$('backend').textContent = engine.backend === 'simd' ? 'SIMD' : engine.backend;

const fnSelect = $<HTMLSelectElement>('fn');
for (const [key, fn] of Object.entries(FUNCTIONS)) fnSelect.add(new Option(fn.name, key));

function renderOptimizerControls(): void {
  const fn = FUNCTIONS[fnSelect.value]!;
  const box = $('optimizers');
  box.querySelectorAll('label').forEach((l) => l.remove());
  for (const name of SHOWN) {
    const label = document.createElement('label');
    const lr = String(defaultOptions(name, fn).lr);
    label.innerHTML = `<input type="checkbox" data-opt="${name}" ${CHECKED.has(name) ? 'checked' : ''}/> ${name} <input type="number" step="any" data-lr="${name}" value="${lr}"/>`;
    box.append(label);
  }
}

const contour = $<HTMLCanvasElement>('contour').getContext('2d')!;
const loss = $<HTMLCanvasElement>('loss').getContext('2d')!;
let frame = 0;

function run(): void {
  cancelAnimationFrame(frame);
  window.playground.done = false;
  const fn = FUNCTIONS[fnSelect.value]!;
  const steps = Math.max(1, Math.min(5000, Number($<HTMLInputElement>('steps').value) || 300));
  const choices = SHOWN.filter((n) => (document.querySelector(`[data-opt="${n}"]`) as HTMLInputElement).checked).map((n) => {
    const lr = Number((document.querySelector(`[data-lr="${n}"]`) as HTMLInputElement).value);
    return { optimizer: n, options: { ...defaultOptions(n, fn), lr } };
  });
  const trajectories = runTrajectories(engine, fn, choices, steps);
  window.playground.trajectories = trajectories;
  $('legend').innerHTML = trajectories
    .map((t, i) => `<li><span style="background:${COLORS[i % COLORS.length]}"></span>${t.optimizer}: ${t.losses[t.losses.length - 1]!.toExponential(3)}</li>`)
    .join('');
  const land = drawLandscape(contour, fn);
  let s = 0;
  const perFrame = Math.max(1, Math.ceil(steps / 120));
  const tick = () => {
    s = Math.min(steps, s + perFrame);
    drawPaths(contour, fn, land, trajectories, s);
    drawLosses(loss, trajectories, s);
    if (s < steps) frame = requestAnimationFrame(tick);
    else window.playground.done = true;
  };
  tick();
}

fnSelect.addEventListener('change', () => {
  renderOptimizerControls();
  run();
});
$('run').addEventListener('click', run);
$('bench').addEventListener('click', async () => {
  const body = $('bench-table').querySelector('tbody')!;
  body.innerHTML = '';
  $<HTMLButtonElement>('bench').disabled = true;
  await liveBenchmark(['adam', 'sgd', 'rmsprop', 'lion'].filter((n) => SHOWN.includes(n)), 1 << 20, 9, (r) => {
    const m = r.msPerStep;
    body.insertAdjacentHTML('beforeend', `<tr><td>${r.optimizer}</td><td>${m.simd.toFixed(2)}</td><td>${m.scalar.toFixed(2)}</td><td>${m.js.toFixed(2)}</td><td>${(m.js / m.simd).toFixed(1)}×</td></tr>`);
  });
  $<HTMLButtonElement>('bench').disabled = false;
});
setupTraining($<HTMLButtonElement>('train'), $('train-log'));

renderOptimizerControls();
run();
window.playground.ready = true;
