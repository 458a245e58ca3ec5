/** Where examples write their files (`examples/out/`, git-ignored) and how they report `--json`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');

/** Writes `content` to examples/out/<file>; returns the path. */
export function writeOutput(file: string, content: string): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, file);
  writeFileSync(path, content);
  return path;
}

/** What every example's `--json` line holds. */
export interface ExampleResult<M extends object = Record<string, unknown>> {
  example: string;
  metrics: M;
  seconds: number;
}

/** Prints the one JSON line of `--json` to stdout. */
export function printJson(result: ExampleResult<object>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
