/**
 * npm run conformance -- FILE
 *
 * The same command as `wasm-optim conformance FILE` (src/cli/conformance/run.ts): one line per
 * failing case, then `N passed, M failed`; exit code 1 when anything failed, 2 for a bad command
 * line or file.
 */
import { runCommand } from '../src/cli/args.js';
import { conformanceCommand, conformanceUsage } from '../src/cli/conformance/run.js';

const name = 'npm run conformance --';
process.exitCode = await runCommand('conformance', conformanceUsage(name), () => conformanceCommand(process.argv.slice(2), name));
