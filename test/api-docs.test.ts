/**
 * The API reference (TypeDoc, typedoc.json) covers every export: TypeDoc's `notDocumented`
 * validation with warnings treated as errors must pass over both entry points. Validation
 * only (`--emit none`); `npm run docs:api` writes the pages to docs/api/.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/packed.js';

it('documents every export of wasm-optim and wasm-optim/node', { timeout: 240_000 }, () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none'], { cwd: ROOT, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const problems = out.split('\n').filter((l) => /\[(warning|error)\]/.test(l) && !/Found \d+ errors/.test(l));
  expect(problems).toEqual([]);
  expect(r.status).toBe(0);
});
