/**
 * `tsx bench/render.ts [DIR]`: rewrites `latest.md` and `speedup.svg` from `latest.json` (in
 * bench/results/ or DIR) without measuring again, e.g. after a change to the report's layout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from '../src/cli/bench/records.js';
import { buildRows, markdownReport } from '../src/cli/bench/report.js';
import { speedupSvg } from '../src/cli/bench/svg.js';

const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'results');
const res = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchResults;
const m = res.meta;
writeFileSync(join(dir, 'latest.md'), markdownReport(res, 'speedup.svg'));
writeFileSync(join(dir, 'speedup.svg'), speedupSvg(buildRows(res.records), `${m.command} · ${m.cpu}, ${m.cores} cores · Node ${m.node} · ${m.date.slice(0, 10)}`));
console.log(`rewrote ${join(dir, 'latest.md')} and speedup.svg`);
