/**
 * npm run conformance -- FILE
 *
 * Runs a reference file against the library on every backend and prints one line per failing
 * case, then `N passed, M failed`; exits 1 when anything failed. FILE is recognised by content:
 * optimizer trajectories (`optimizers.json.gz` or plain JSON with optimizer cases).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type OptimizerCase, runOptimizerConformance } from './conformance/optimizers.js';
import { type ClippingCase, runClippingConformance } from './conformance/clipping.js';
import { runSchedulerConformance, type SchedulerData } from './conformance/schedulers.js';

interface Result {
  name: string;
  passed: boolean;
  failures: string[];
}

function load(file: string): { cases?: unknown[] } {
  let bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return JSON.parse(bytes.toString('utf8')) as { cases?: unknown[] };
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run conformance -- FILE');
    return 2;
  }
  const data = load(file);
  const cases = data.cases;
  if (!Array.isArray(cases)) {
    console.error(`${file}: no "cases" array`);
    return 2;
  }
  let results: Result[];
  const first = cases[0] as Record<string, unknown> | undefined;
  if (!first || 'optimizer' in first) {
    results = await runOptimizerConformance(cases as OptimizerCase[]);
  } else if ('kind' in first) {
    results = runClippingConformance({ cases: cases as ClippingCase[] });
  } else if ('lrs' in first) {
    results = runSchedulerConformance(data as SchedulerData);
  } else {
    console.error(`${file}: unrecognised case format`);
    return 2;
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

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
