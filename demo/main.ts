/** The playground page: wires the controls to the trajectory runner, drawing and benchmark. */
import { createEngine, registrations } from 'wasm-optim';
import { liveBenchmark } from './bench-panel.js';
import { COLORS, drawLandscape, drawLosses, drawPaths, fnMin } from './draw.js';
import { FUNCTIONS } from './functions.js';
import { defaultOptions, runTrajectories, type Trajectory } from './playground.js';
import { lossRange, parseLr } from './scale.js';
import { setupTraining } from './train-panel.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// Every registered optimizer; the ones whose registration asks for it start checked.
const SHOWN = registrations().map((r) => r.key);
const CHECKED = new Set(registrations().filter((r) => r.playground.checked).map((r) => r.key));

declare global {
  interface Window {
    playground: { ready: boolean; done: boolean; trajectories: Trajectory[]; backend: string; errors: string[] };
  }
}

const engine = await createEngine({ initialBytes: 1 << 20 });
window.playground = { ready: false, done: false, trajectories: [], backend: engine.backend, errors: [] };
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
    label.innerHTML = `<input type="checkbox" data-opt="${name}" ${CHECKED.has(name) ? 'checked' : ''}/> ${name} <input type="text" inputmode="decimal" spellcheck="false" data-lr="${name}" value="${lr}" aria-label="${name} learning rate"/>`;
    box.append(label);
  }
}

const contour = $<HTMLCanvasElement>('contour').getContext('2d')!;
const loss = $<HTMLCanvasElement>('loss').getContext('2d')!;
let frame = 0;

/** Shows what stopped a run (or nothing) in the page, above the plots. */
function showErrors(errors: string[]): void {
  window.playground.errors = errors;
  const box = $('errors');
  box.hidden = errors.length === 0;
  box.textContent = errors.join('\n');
}

function run(): void {
  cancelAnimationFrame(frame);
  window.playground.done = false;
  const fn = FUNCTIONS[fnSelect.value]!;
  const steps = Math.max(1, Math.min(5000, Number($<HTMLInputElement>('steps').value) || 300));
  const errors: string[] = [];
  const choices: Array<{ optimizer: string; options: Record<string, unknown> }> = [];
  for (const n of SHOWN) {
    if (!(document.querySelector(`[data-opt="${n}"]`) as HTMLInputElement).checked) continue;
    const field = document.querySelector(`[data-lr="${n}"]`) as HTMLInputElement;
    try {
      const lr = parseLr(field.value, n);
      field.removeAttribute('aria-invalid');
      choices.push({ optimizer: n, options: { ...defaultOptions(n, fn), lr } });
    } catch (e) {
      field.setAttribute('aria-invalid', 'true');
      errors.push((e as Error).message);
    }
  }
  let trajectories: Trajectory[] = [];
  try {
    trajectories = runTrajectories(engine, fn, choices, steps);
  } catch (e) {
    errors.push((e as Error).message);
  }
  showErrors(errors);
  window.playground.trajectories = trajectories;
  // Each optimizer keeps its colour whichever others are ticked.
  const colors = trajectories.map((t) => COLORS[SHOWN.indexOf(t.optimizer) % COLORS.length]!);
  const floor = fnMin(fn);
  const diverged = lossRange(trajectories.map((t) => t.losses.map((v) => v - floor))).divergedAt;
  $('legend').innerHTML = trajectories
    .map((t, i) => {
      const end = diverged[i]! >= 0 ? `diverged at step ${diverged[i]}` : t.losses[t.losses.length - 1]!.toExponential(3);
      return `<li><span style="background:${colors[i]}"></span>${t.optimizer}: ${end}</li>`;
    })
    .join('');
  const land = drawLandscape(contour, fn);
  let s = 0;
  const perFrame = Math.max(1, Math.ceil(steps / 120));
  const tick = () => {
    s = Math.min(steps, s + perFrame);
    drawPaths(contour, fn, land, trajectories, s, colors);
    drawLosses(loss, trajectories, s, floor, colors);
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
