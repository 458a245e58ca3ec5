/**
 * Command-line options shared by the examples: `--json` (print one JSON line of final metrics and
 * nothing else), `--quick` (a small, fast run for smoke tests), `--seed N`, `--epochs N`,
 * `--backend simd|scalar|js`, plus flags an example adds.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCommand, UsageError } from '../../src/cli/args.js';
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
  /** `--help` was given: print the usage and run nothing. */
  help: boolean;
}

const BACKENDS = ['auto', 'simd', 'scalar', 'js'];

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}

/** The usage text of the example `name` (`npm run example:<name> -- …`). */
export function exampleUsage(name: string, extraFlags: readonly string[] = []): string {
  const extra = extraFlags.map((f) => ` [--${f}]`).join('');
  return `usage: npm run example:${name} -- [--json] [--quick] [--seed N] [--epochs N] [--backend auto|simd|scalar|js]${extra}`;
}

/**
 * Parses `argv` (default: this process's arguments); `extraFlags` are boolean flags of one
 * example. A bad argument is a `UsageError` (a positional argument too: the examples take none).
 */
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
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  const backend = (values.backend as string | undefined) ?? 'auto';
  if (!values.help && !BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got ${backend}`);
  const flags: Record<string, boolean> = {};
  for (const f of extraFlags) flags[f] = values[f] === true;
  return {
    json: values.json === true,
    quick: values.quick === true,
    seed: int('seed', values.seed as string | undefined, 0),
    epochs: int('epochs', values.epochs as string | undefined, 1),
    backend: backend as Backend | 'auto',
    flags,
    help: values.help === true,
  };
}

/** The size of a training run on a data set. */
export interface RunSize {
  epochs: number;
  train: number;
  test: number;
}

/**
 * The options every example run takes from the command line: with `--quick`, the small sizes
 * `quick` (otherwise none, so the example's own defaults apply); `--epochs` and `--seed` when
 * given; progress output unless `--json`.
 */
export function runOptions(args: CommonArgs, quick: RunSize): Partial<RunSize> & { seed?: number; verbose: boolean } {
  return { ...(args.quick ? quick : {}), seed: args.seed, epochs: args.epochs ?? (args.quick ? quick.epochs : undefined), verbose: !args.json };
}

/**
 * Runs an example's `main` with this process's arguments and sets the exit code: `--help` prints
 * the usage; a bad argument prints one line and the usage (exit code 2); a failure prints one
 * line (exit code 1), never a stack trace (set WASM_OPTIM_DEBUG=1 for one).
 */
export async function runExample(name: string, extraFlags: readonly string[], main: (args: CommonArgs) => Promise<void>): Promise<void> {
  const usage = exampleUsage(name, extraFlags);
  const code = await runCommand(`example:${name}`, usage, async () => {
    const args = parseCommonArgs(extraFlags);
    if (args.help) console.log(usage);
    else await main(args);
    return 0;
  });
  if (code !== 0) process.exitCode = code;
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
