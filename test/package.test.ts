/**
 * The published package from a user's side: what the tarball holds, `require()` from CommonJS,
 * the public types under `tsc --strict` (NodeNext and node10 resolution), package metadata.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, packedConsumer, ROOT } from './helpers/packed.js';

const pkgJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
/** require() of ES modules without a flag: Node 20.19+ and 22.12+. */
const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);

let c: Consumer;
beforeAll(() => {
  c = packedConsumer();
}, 60_000);
afterAll(() => c?.cleanup());

function tsc(name: string, compilerOptions: Record<string, unknown>, files: string[]): string {
  const dir = join(c.dir, name);
  execFileSync('mkdir', ['-p', dir]);
  for (const f of files) copyFileSync(join(ROOT, 'test/types', f), join(dir, f));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, types: [], ...compilerOptions }, files }));
  const r = spawnSync(process.execPath, [TSC, '-p', dir], { cwd: c.dir, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim() + (r.status === 0 ? '' : `\n(exit ${r.status})`);
}

describe('the packed tarball', () => {
  it('holds the entry points, their types and the license, changelog and readme', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/checkpoint/node.js', 'dist/checkpoint/node.d.ts', 'LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']) {
      expect(c.files, f).toContain(f);
    }
    expect(c.files.filter((f) => f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });

  it('ships source maps only with their sources embedded', () => {
    const maps = c.files.filter((f) => f.endsWith('.map'));
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(c.pkg, m), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(map.sourcesContent!.every((s) => typeof s === 'string' && s.length > 0), m).toBe(true);
    }
  });

  it.skipIf(!requireEsm)('loads with require() from a .cjs file, both entry points', () => {
    const script = join(c.dir, 'consumer.cjs');
    writeFileSync(
      script,
      `const { createEngine, Adam, CHECKPOINT_VERSION } = require('wasm-optim');
const node = require('wasm-optim/node');
createEngine({ backend: 'js' }).then((engine) => {
  const [w] = engine.parameters([3]);
  w.grad.fill(1);
  new Adam([w], { lr: 0.5 }).step();
  console.log(JSON.stringify({ data: Array.from(w.data), save: typeof node.saveCheckpointFile, version: CHECKPOINT_VERSION }));
});
`,
    );
    const r = spawnSync(process.execPath, [script], { cwd: c.dir, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/ERR_/);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { data: number[]; save: string; version: string };
    expect(out.data).toEqual([-0.5, -0.5, -0.5]);
    expect(out.save).toBe('function');
    expect(out.version).toBe('1');
  });
});

// Each compile loads lib.dom and @types/node: a few seconds on a quiet machine, much more on a busy one.
describe('types as a user compiles them', { timeout: 180_000 }, () => {
  it('test/types/strict.ts compiles under --strict with NodeNext resolution', () => {
    writeFileSync(join(c.dir, 'package.json'), JSON.stringify({ type: 'module' }));
    expect(tsc('strict', { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'], types: ['node'] }, ['strict.ts'])).toBe('');
  });

  it('test/types/node10.ts compiles with moduleResolution node10 (wasm-optim/node through typesVersions)', () => {
    expect(tsc('node10', { module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', lib: ['ES2022', 'DOM'], types: ['node'], ignoreDeprecations: '5.0' }, ['node10.ts'])).toBe('');
  });
});

describe('package.json', () => {
  it('says where the project lives, as npm shows it', () => {
    expect(pkgJson.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    expect(pkgJson.homepage).toMatch(/^https:\/\//);
    expect(pkgJson.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
  });

  it('has a LICENSE that is the license it declares', () => {
    expect(pkgJson.license).toBe('MIT');
    const text = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(text).toMatch(/^MIT License/);
    expect(text).toContain('Permission is hereby granted, free of charge');
  });

  it('has a CHANGELOG entry for the current version', () => {
    const text = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    expect(text).toContain(`## ${String(pkgJson.version)}`);
  });
});
