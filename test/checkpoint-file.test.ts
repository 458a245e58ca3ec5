// Checkpoint files (wasm-optim/node): atomic saves — no temporary file left behind, the old file
// intact when any stage of a write fails (faults injected into node:fs/promises) — and loads that
// refuse truncated files. The browser entry must not reach Node built-ins.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as realFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointError, loadCheckpointFile, saveCheckpointFile } from '../src/checkpoint/node.js';
import { createEngine, type Engine } from '../src/engine.js';
import { expectSameState, firstBitDiff, model, type Model, train } from './helpers/checkpoint-rig.js';

type Stage = 'write' | 'sync' | 'close' | 'rename' | null;
const fault = vi.hoisted(() => ({ stage: null as Stage, temps: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string) => Object.assign(new Error(`${code}: injected failure`), { code });
  return {
    ...fs,
    open: async (path: string, flags?: string, mode?: number) => {
      const h = await fs.open(path, flags, mode);
      if (flags !== 'wx') return h;
      fault.temps.push(path);
      if (fault.stage === 'write') {
        // Half the bytes reach the disk, then the disk is full.
        h.writeFile = async (data: unknown) => {
          const b = data as Uint8Array;
          await h.write(b, 0, b.length >> 1);
          throw fail('ENOSPC');
        };
      }
      if (fault.stage === 'sync') h.sync = async () => Promise.reject(fail('EIO'));
      if (fault.stage === 'close') {
        const close = h.close.bind(h);
        h.close = async () => {
          await close();
          throw fail('EIO');
        };
      }
      return h;
    },
    rename: async (from: string, to: string) => {
      if (fault.stage === 'rename') throw fail('EXDEV');
      return fs.rename(from, to);
    },
  };
});

let engine: Engine;
let dir: string;
let m: Model;
beforeAll(async () => {
  engine = await createEngine({ backend: 'simd' });
  m = model(engine, 'sgd', { lr: 0.1, momentum: 0.9, nesterov: true }, 21);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-optim-file-'));
  fault.stage = null;
  fault.temps = [];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('saveCheckpointFile / loadCheckpointFile', () => {
  it('round trip through a file, overwriting, with no temporary file left', async () => {
    const path = join(dir, 'ckpt.safetensors');
    train(m, 21, 0, 3);
    await saveCheckpointFile(path, { params: m.params, optimizer: m.opt });
    train(m, 21, 3, 5);
    await saveCheckpointFile(path, { params: m.params, optimizer: m.opt, extra: { step: 5 } });
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
    expect(fault.temps).toHaveLength(2);
    expect(fault.temps.every((t) => dirname(t) === dir)).toBe(true);
    const b = model(await createEngine({ backend: 'js' }), 'sgd', null, 22);
    const info = await loadCheckpointFile(path, { params: b.params, optimizer: b.opt });
    expect(info.extra).toEqual({ step: 5 });
    m.params.forEach((p, i) => expect(firstBitDiff(b.params[i]!.data, p.data)).toBe(-1));
    expectSameState(b.opt.stateDict(), m.opt.stateDict());
  });

  it.each(['write', 'sync', 'close', 'rename'] as const)('a failure at %s leaves the old file intact and no temporary file', async (stage) => {
    const path = join(dir, 'ckpt.safetensors');
    await saveCheckpointFile(path, { params: m.params });
    const old = readFileSync(path);
    train(m, 21, 10, 11);
    fault.stage = stage;
    await expect(saveCheckpointFile(path, { params: m.params, optimizer: m.opt })).rejects.toThrow(/injected failure/);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
    expect(readFileSync(path).equals(old)).toBe(true);
  });

  it('a directory in the way: the rename fails, nothing is left behind', async () => {
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    await expect(saveCheckpointFile(path, { params: m.params })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(path)).toEqual(['inside']);
  });

  it('bad input is refused before the disk is touched', async () => {
    const [p] = engine.parameters([3]);
    p!.dispose();
    await expect(saveCheckpointFile(join(dir, 'a'), { params: [p!] })).rejects.toThrow(/has been disposed/);
    await expect(saveCheckpointFile('', { params: m.params })).rejects.toThrow(TypeError);
    await expect(saveCheckpointFile(join(dir, 'missing', 'a'), { params: m.params })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
    expect(fault.temps).toHaveLength(0);
  });

  it('a truncated file is refused and the live state kept', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await saveCheckpointFile(path, { params: m.params, optimizer: m.opt });
    const size = readFileSync(path).length;
    truncateSync(path, size - 3);
    const b = model(engine, 'sgd', { lr: 0.1, momentum: 0.9 }, 23);
    train(b, 23, 0, 2);
    const before = b.params.map((p) => p.data.slice());
    const state = b.opt.stateDict();
    await expect(loadCheckpointFile(path, { params: b.params, optimizer: b.opt })).rejects.toThrow(CheckpointError);
    b.params.forEach((p, i) => expect(firstBitDiff(p.data, before[i]!)).toBe(-1));
    expectSameState(b.opt.stateDict(), state);
    await expect(loadCheckpointFile(join(dir, 'nope'), { params: b.params })).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(loadCheckpointFile(join(dir, 'nope'), { params: b.params })).rejects.toThrow(CheckpointError);
    await expect(loadCheckpointFile(join(dir, 'nope'), { params: b.params })).rejects.toThrow(/cannot read .*nope.*: no such file/);
  });
});

describe('packaging', () => {
  /** Every module reachable by static imports from `entry`, resolved within src/. */
  async function importGraph(entry: string): Promise<Map<string, string[]>> {
    const graph = new Map<string, string[]>();
    const todo = [resolve(entry)];
    while (todo.length) {
      const file = todo.pop()!;
      if (graph.has(file)) continue;
      const text = await realFs.readFile(file, 'utf8');
      const specs = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((x) => x[1]!);
      graph.set(file, specs);
      for (const s of specs) if (s.startsWith('.')) todo.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    }
    return graph;
  }

  it('the checkpoint code in the main entry reaches no Node built-in', async () => {
    const graph = await importGraph('src/checkpoint/index.ts');
    expect(graph.size).toBeGreaterThan(5);
    for (const [file, specs] of graph) {
      for (const s of specs) expect(s.startsWith('.'), `${file} imports ${s}`).toBe(true);
      if (!file.includes('/src/checkpoint/')) continue;
      expect(/\b(process|Buffer|require)\s*[.(]/.test(await realFs.readFile(file, 'utf8')), `${file} uses a Node global`).toBe(false);
    }
    const main = await realFs.readFile('src/index.ts', 'utf8');
    expect(main).toContain("from './checkpoint/index.js'");
    expect(main).not.toContain('checkpoint/node');
  });

  it('package.json exposes wasm-optim/node', async () => {
    const pkg = JSON.parse(await realFs.readFile('package.json', 'utf8')) as { exports: Record<string, { import: string; types: string; default: string }> };
    expect(pkg.exports['./node']).toEqual({ types: './dist/checkpoint/node.d.ts', import: './dist/checkpoint/node.js', default: './dist/checkpoint/node.js' });
  });
});
