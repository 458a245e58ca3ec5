/**
 * A one-line progress bar on stderr: `label [#####-----] 12/40 loss 0.1234 acc 0.950 3.1s`.
 * On a terminal it redraws in place (at most every 80 ms); elsewhere (pipes, CI logs) it prints
 * one line when it finishes, so logs stay short. Disabled bars print nothing.
 */
export type Metrics = Record<string, number>;

const WIDTH = 24;

function formatMetrics(m: Metrics): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(4)}`)
    .join('  ');
}

export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #enabled: boolean;
  readonly #tty: boolean;
  readonly #start = performance.now();
  #lastDraw = 0;
  #done = 0;

  constructor(label: string, total: number, enabled = true) {
    this.#label = label;
    this.#total = Math.max(1, total);
    this.#enabled = enabled;
    this.#tty = process.stderr.isTTY === true;
  }

  #line(metrics: Metrics): string {
    const filled = Math.round((WIDTH * this.#done) / this.#total);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    const secs = ((performance.now() - this.#start) / 1000).toFixed(1);
    return `${this.#label} [${bar}] ${this.#done}/${this.#total}  ${formatMetrics(metrics)}  ${secs}s`;
  }

  /** Advances by `n` and redraws (throttled) with the given running metrics. */
  tick(n: number, metrics: Metrics = {}): void {
    this.#done = Math.min(this.#total, this.#done + n);
    if (!this.#enabled || !this.#tty) return;
    const now = performance.now();
    if (now - this.#lastDraw < 80 && this.#done < this.#total) return;
    this.#lastDraw = now;
    process.stderr.write(`\r${this.#line(metrics)}\x1b[K`);
  }

  /** Completes the bar with the final metrics. */
  finish(metrics: Metrics = {}): void {
    this.#done = this.#total;
    if (!this.#enabled) return;
    process.stderr.write(`${this.#tty ? '\r' : ''}${this.#line(metrics)}${this.#tty ? '\x1b[K' : ''}\n`);
  }
}
