/**
 * Runs the optimizer conformance suite in the browser: fetches the gzip'd reference file
 * (`?file=` or the public fixtures), decompresses it with DecompressionStream and prints the same
 * lines as `npm run conformance`.
 */
import { type OptimizerCase, runOptimizerConformance } from '../src/cli/conformance/optimizers.js';
import { fixtureText } from './fixture.js';

declare global {
  interface Window {
    conformance: { done: boolean; line: string; failures: string[] };
  }
}

window.conformance = { done: false, line: '', failures: [] };
const out = document.getElementById('out')!;
const file = new URLSearchParams(location.search).get('file') ?? '/fixtures/optimizers.json.gz';
try {
  const res = await fetch(file);
  if (!res.ok) throw new Error(`fetch ${file}: HTTP ${res.status}`);
  const { cases } = JSON.parse(await fixtureText(file, new Uint8Array(await res.arrayBuffer()))) as { cases: OptimizerCase[] };
  const results = await runOptimizerConformance(cases);
  const failures = results.filter((r) => !r.passed).map((r) => `FAIL ${r.name}: ${r.failures.join('; ')}`);
  const line = `${results.length - failures.length} passed, ${failures.length} failed`;
  window.conformance = { done: true, line, failures };
  out.textContent = [...failures, line].join('\n');
} catch (e) {
  window.conformance = { done: true, line: '', failures: [String(e)] };
  out.textContent = String(e);
}
