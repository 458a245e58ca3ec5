#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `wasm-optim` command (package bin):
 *
 *   wasm-optim bench [--quick] [--optimizer NAMES] [--sizes N,…] [--json] …   speed per step
 *   wasm-optim conformance FILE                                            reference cases
 *   wasm-optim info [--json]                                 version, backends, SIMD, threads
 *
 * Exit codes: 0 success, 1 failure (a conformance case failed, a measurement broke), 2 a bad
 * command line or input file (one line of error, then the usage text; no stack trace).
 */
import { runCommand, UsageError } from './args.js';
import { benchCommand, type BenchCommand, benchUsage } from './bench/run.js';
import { conformanceCommand, conformanceUsage } from './conformance/run.js';
import { infoCommand, infoUsage, packageJson } from './info.js';

const PROG = 'wasm-optim';

const USAGE = [
  `usage: ${PROG} <command> [options]`,
  '',
  'commands:',
  '  bench        time one optimizer step per parameter: SIMD, scalar, JS, a hand-written JS loop, TensorFlow.js',
  '  conformance  run a file of reference cases against every backend',
  '  info         version, backends available here, SIMD and threads detection, kernel hash',
  '',
  `Run \`${PROG} <command> --help\` for a command's options.`,
].join('\n');

const BENCH: BenchCommand = { name: `${PROG} bench` };

/** Runs `wasm-optim` with `argv` (the arguments after the program name); returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'bench') return runCommand(PROG, benchUsage(BENCH), () => benchCommand(rest, BENCH));
  if (command === 'conformance') return runCommand(PROG, conformanceUsage(`${PROG} conformance`), () => conformanceCommand(rest, `${PROG} conformance`));
  if (command === 'info') return runCommand(PROG, infoUsage(`${PROG} info`), () => infoCommand(rest, `${PROG} info`));
  return runCommand(PROG, USAGE, async () => {
    if (command === '--help' || command === '-h' || command === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (command === '--version') {
      console.log(packageJson().version);
      return 0;
    }
    throw new UsageError(command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`);
  });
}

process.exitCode = await main(process.argv.slice(2));
