/**
 * The package as a user installs it: `npm pack` of the built tree, unpacked into a temporary
 * project's `node_modules/wasm-optim` (with the repository's `@types/node` linked beside it).
 * Needs `dist/` (built by `npm run build`, and by `prepare` during `npm ci`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Consumer {
  /** The temporary project; the package is in `node_modules/wasm-optim`. */
  dir: string;
  /** The unpacked package. */
  pkg: string;
  /** Paths in the tarball, relative to the package root. */
  files: string[];
  cleanup(): void;
}

export function packedConsumer(): Consumer {
  if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'wasm-optim-consumer-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const pkg = join(dir, 'node_modules/wasm-optim');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, info!.filename), '-C', pkg, '--strip-components=1']);
  mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'), 'dir');
  return { dir, pkg, files: info!.files.map((f) => f.path), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
