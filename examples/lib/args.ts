/**
 * Command-line options shared by the examples: `--json` (print one JSON line of final metrics and
 * nothing else), `--quick` (a small, fast run for smoke tests), `--seed N`, `--epochs N`,
 * `--backend simd|scalar|js`, plus flags an example adds.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Backend } from '../../src/engine.js';

export interface CommonArgs {
  json: boolean;
  quick: boolean;
  /** `--seed N`, or undefined (the example's default). */
  seed: number | undefined;
  epochs: number | undefined;
  backend: Backend | 'auto';
  /** Flags declared by the example (boolean flags only). */
  flags: Record<string, boolean>;
}

const BACKENDS = ['auto', 'simd', 'scalar', 'js'];

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}

/** Parses `argv` (default: this process's arguments); `extraFlags` are boolean flags of one example. */
export function parseCommonArgs(extraFlags: readonly string[] = [], argv = process.argv.slice(2)): CommonArgs {
  const options: Record<string, { type: 'boolean' | 'string' }> = {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    seed: { type: 'string' },
    epochs: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean' },
  };
  for (const f of extraFlags) options[f] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false }));
  } catch (e) {
    throw new TypeError(`${(e as Error).message} (try --help)`);
  }
  if (values.help) {
    const extra = extraFlags.map((f) => ` [--${f}]`).join('');
    console.log(`options: [--json] [--quick] [--seed N] [--epochs N] [--backend auto|simd|scalar|js]${extra}`);
    process.exit(0);
  }
  const backend = (values.backend as string | undefined) ?? 'auto';
  if (!BACKENDS.includes(backend)) throw new TypeError(`--backend must be one of ${BACKENDS.join(', ')}, got ${backend}`);
  const flags: Record<string, boolean> = {};
  for (const f of extraFlags) flags[f] = values[f] === true;
  return {
    json: values.json === true,
    quick: values.quick === true,
    seed: int('seed', values.seed as string | undefined, 0),
    epochs: int('epochs', values.epochs as string | undefined, 1),
    backend: backend as Backend | 'auto',
    flags,
  };
}

/** True when the module at `metaUrl` is the script node was started with (not imported). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}
