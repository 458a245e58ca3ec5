/**
 * `npm run bench [-- --quick] [--optimizer adam,lion] [--sizes 1024,1048576] [--json] [--targets]
 * [--no-tfjs] [--no-extras] [--out DIR] [--clock cpu|wall] [--update-baseline]`: the same command
 * as `wasm-optim bench` (src/cli/bench/run.ts). A run writes `latest.json`, `latest.md` and
 * `speedup.svg` to bench/results/local/ (git-ignored) or DIR; the committed baseline report in
 * bench/results/ changes only with `--update-baseline`.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/cli/args.js';
import { benchCommand, type BenchCommand, benchUsage } from '../src/cli/bench/run.js';

const results = join(dirname(fileURLToPath(import.meta.url)), 'results');
const cmd: BenchCommand = {
  name: 'npm run bench --',
  defaultOut: relative(process.cwd(), join(results, 'local')) || '.',
  baselineDir: relative(process.cwd(), results) || '.',
};
process.exitCode = await runCommand('bench', benchUsage(cmd), () => benchCommand(process.argv.slice(2), cmd));
