/**
 * The checkpoint's version metadata says what it is: the version of the file layout
 * (`wasm_optim.format_version`), not to be mistaken for the package version. Files written by
 * 0.1.0, which stored it as `wasm_optim.version`, still load.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, loadCheckpoint, readSafetensors, saveCheckpoint } from '../src/checkpoint/index.js';
import { sealChecksum } from '../src/checkpoint/format.js';
import { createEngine } from '../src/engine.js';
import { Adam } from '../src/optim/adam.js';

const pkgVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function saved() {
  const engine = await createEngine({ backend: 'js' });
  const [w] = engine.parameters([[2, 2]]);
  w!.data.set([1, 2, 3, 4]);
  w!.grad.fill(0.5);
  const opt = new Adam([w!], { lr: 0.1 });
  opt.step();
  return { engine, w: w!, opt, bytes: saveCheckpoint({ params: [w!], optimizer: opt }) };
}

describe('checkpoint version metadata', () => {
  it('names the format version as such and carries no key that reads as the package version', async () => {
    const { bytes } = await saved();
    const meta = readSafetensors(bytes).metadata;
    expect(meta['wasm_optim.format_version']).toBe(CHECKPOINT_VERSION);
    expect(Object.keys(meta)).not.toContain('wasm_optim.version');
    // The one version-like value in the file is the format's, which is not the package's.
    expect(Object.values(meta)).not.toContain(pkgVersion);
  });

  it('loads a file written by 0.1.0 (format version under "wasm_optim.version")', async () => {
    const { w, opt, bytes } = await saved();
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    const from = '"wasm_optim.format_version":"1"';
    const to = '"wasm_optim.version":"1"'.padEnd(from.length, ' '); // same header length: JSON whitespace
    expect(header).toContain(from);
    const old = bytes.slice();
    old.set(new TextEncoder().encode(header.replace(from, to).replace(/"wasm_optim\.checksum":"[0-9a-f]{8}"/, '"wasm_optim.checksum":"00000000"')), 8);
    sealChecksum(old);
    expect(readSafetensors(old).metadata).toMatchObject({ 'wasm_optim.version': '1' });
    const expected = opt.stateDict();
    w.data.fill(0);
    const info = loadCheckpoint(old, { params: [w], optimizer: opt });
    expect(info.version).toBe('1');
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4].map((x) => Math.fround(x - 0.1)));
    expect(opt.stateDict()).toEqual(expected);
  });

  it('refuses an unknown format version under either key', async () => {
    const { w, bytes } = await saved();
    for (const [from, to] of [
      ['"wasm_optim.format_version":"1"', '"wasm_optim.format_version":"9"'],
      ['"wasm_optim.format_version":"1"', '"wasm_optim.version":"9"       '],
    ] as const) {
      const text = new TextDecoder().decode(bytes);
      const bad = new TextEncoder().encode(text.slice(0, 200).replace(from, to));
      const copy = bytes.slice();
      copy.set(bad, 0);
      expect(() => loadCheckpoint(copy, { params: [w], verifyChecksum: false })).toThrow(/format version "9" is not supported/);
    }
  });
});
