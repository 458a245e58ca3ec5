/**
 * Runs the optimizer conformance suite in the browser: fetches the gzip'd reference file
 * (`?file=` or the public fixtures), decompresses it with DecompressionStream and prints the same
 * lines as `npm run conformance`.
 */
import { type OptimizerCase, runOptimizerConformance } from '../src/cli/conformance/optimizers.js';

declare global {
  interface Window {
    conformance: { done: boolean; line: string; failures: string[] };
  }
}

/** The reference file's JSON text: gunzipped when gzipped, as is when plain JSON, else an error. */
async function fixtureText(file: string, bytes: Uint8Array): Promise<string> {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  }
  const text = new TextDecoder().decode(bytes);
  if (/^\s*\{/.test(text)) return text;
  const what = /^\s*<(!doctype|html)/i.test(text) ? 'an HTML page' : 'neither gzip nor JSON';
  throw new Error(`${file}: got ${what}, not the reference file (the server must serve test/fixtures/ at /fixtures/)`);
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
