/// <reference types="node" />
/**
 * Command-line parsing shared by the `wasm-optim` commands and the npm scripts that call them:
 * a bad argument is a {@link UsageError}, which the entry points print as one line followed by
 * the command's usage text, exit code 2, no stack trace.
 */
import { parseArgs } from 'node:util';

/** A mistake in the command line (unknown option, bad value, missing file). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = Record<string, { type: 'boolean' | 'string' }>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `argv` against `options` (`--name=value` and `--name value` both work). */
export function parseCommand(argv: readonly string[], options: OptionSpec, positionals: { min: number; max: number; name?: string }): Parsed {
  let parsed: Parsed;
  try {
    const r = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    parsed = { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  const n = parsed.positionals.length;
  if (!parsed.values.help) {
    if (n > positionals.max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
    if (n < positionals.min) throw new UsageError(`missing ${positionals.name ?? 'argument'}`);
  }
  return parsed;
}

/** `--name a,b,c` as a list of non-empty strings. */
export function listValue(name: string, v: string): string[] {
  const xs = v.split(',').map((x) => x.trim());
  if (!v || xs.some((x) => x === '')) throw new UsageError(`--${name}: expected a comma-separated list, got ${JSON.stringify(v)}`);
  return xs;
}

/** `--name 1024,1048576` as positive integers, each at most `max`. */
export function sizesValue(name: string, v: string, max = Number.MAX_SAFE_INTEGER): number[] {
  const xs = listValue(name, v).map(Number);
  if (xs.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${name}: expected positive integers, got ${JSON.stringify(v)}`);
  const big = xs.find((n) => n > max);
  if (big !== undefined) throw new UsageError(`--${name}: at most ${max} each, got ${big}`);
  return xs;
}

/**
 * Runs a command body and turns its outcome into an exit code: its own code on success; 2 with
 * one line and the usage text for a {@link UsageError}; 1 with one line (no stack) for anything
 * else, with the stack only when `WASM_OPTIM_DEBUG` is set.
 */
export async function runCommand(prog: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${prog}: ${e.message}\n\n${usage}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`${prog}: ${err?.message ?? String(e)}\n`);
    if (process.env.WASM_OPTIM_DEBUG && err?.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
