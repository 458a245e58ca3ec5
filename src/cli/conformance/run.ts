/// <reference types="node" />
/**
 * The conformance command, shared by `wasm-optim conformance FILE` and `npm run conformance --
 * FILE`: runs a reference file against the library on every backend, prints one line per failing
 * case, then `N passed, M failed`; exit code 1 when anything failed, 2 for a bad command line or
 * a file it cannot read. FILE is recognised by content: optimizer trajectories
 * (`optimizers.json.gz` or plain JSON with optimizer cases), clipping cases, scheduler cases.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseCommand, UsageError } from '../args.js';
import { type ClippingCase, runClippingConformance } from './clipping.js';
import { type OptimizerCase, runOptimizerConformance } from './optimizers.js';
import { runSchedulerConformance, type SchedulerData } from './schedulers.js';

interface Result {
  name: string;
  passed: boolean;
  failures: string[];
}

export function conformanceUsage(name: string): string {
  return [
    `usage: ${name} FILE [--only NAMES]`,
    '',
    '  FILE          reference cases: optimizer trajectories (optimizers.json.gz), clipping.json or',
    '                schedulers.json, gzipped or plain JSON (layout in test/fixtures/README.md)',
    '  --only NAMES  optimizer trajectories only: run the cases of these optimizers (comma-separated',
    "                registry names, e.g. 'adam,sgd')",
  ].join('\n');
}

/** Reads FILE (gzipped or plain JSON); an unreadable file or bad JSON is a {@link UsageError}. */
export function loadCases(file: string): { cases?: unknown[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message}`);
  }
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    return JSON.parse(bytes.toString('utf8')) as { cases?: unknown[] };
  } catch (e) {
    throw new UsageError(`${file}: not JSON or gzipped JSON (${(e as Error).message})`);
  }
}

/** Runs the command for `argv`; returns the exit code. */
export async function conformanceCommand(argv: readonly string[], name: string): Promise<number> {
  const { values, positionals } = parseCommand(argv, { help: { type: 'boolean' }, only: { type: 'string' } }, { min: 1, max: 1, name: 'FILE' });
  if (values.help) {
    console.log(conformanceUsage(name));
    return 0;
  }
  const file = positionals[0]!;
  const data = loadCases(file);
  const cases = data.cases;
  if (!Array.isArray(cases)) throw new UsageError(`${file}: no "cases" array`);
  let results: Result[];
  const first = cases[0] as Record<string, unknown> | undefined;
  if (!first || 'optimizer' in first) {
    let chosen = cases as OptimizerCase[];
    if (values.only !== undefined) {
      const names = new Set(String(values.only).split(',').map((x) => x.trim()));
      const known = new Set(chosen.map((c) => c.optimizer));
      const unknown = [...names].filter((n) => !known.has(n));
      if (unknown.length) throw new UsageError(`--only: no cases for ${unknown.map((n) => JSON.stringify(n)).join(', ')} in ${file} (it has ${[...known].join(', ')})`);
      chosen = chosen.filter((c) => names.has(c.optimizer));
    }
    results = await runOptimizerConformance(chosen);
  } else if (values.only !== undefined) {
    throw new UsageError('--only applies to optimizer trajectories');
  } else if ('kind' in first) {
    results = runClippingConformance({ cases: cases as ClippingCase[] });
  } else if ('lrs' in first) {
    results = runSchedulerConformance(data as SchedulerData);
  } else {
    throw new UsageError(`${file}: unrecognised case format`);
  }
  let passed = 0;
  for (const r of results) {
    if (r.passed) passed++;
    else console.log(`FAIL ${r.name}: ${r.failures.join('; ')}`);
  }
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
