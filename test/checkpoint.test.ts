// Checkpoints: the safetensors rules checked independently (and by Python's safetensors where
// installed), names, metadata and the kernel hash. Round trips and lock-step resume for every
// registered optimizer: contract-state.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import { crc32 } from '../src/checkpoint/crc32.js';
import { parseJson, stringifyJson } from '../src/checkpoint/json.js';
import { createEngine, type Engine } from '../src/engine.js';
import { OPTIMIZERS } from '../src/optim/registry.js';
import { CosineAnnealingLR } from '../src/schedule/cosine.js';
import { ReduceLROnPlateau } from '../src/schedule/plateau.js';
import { BINARY_HASH } from '../src/wasm/binaries.generated.js';
import { bits, expectSameState, firstBitDiff, model, ODD_BITS, train } from './helpers/checkpoint-rig.js';
import { BACKENDS } from './helpers/lockstep.js';
import { checkSafetensorsSpec, checksumAt, crc32Bitwise, reseal } from './helpers/safetensors-spec.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await Promise.all(BACKENDS.map((backend) => createEngine({ backend, initialBytes: 1 << 20 })));
});

describe('the file', () => {
  const save = () => {
    const m = model(engines[0]!, 'adam', { lr: 0.01, amsgrad: true }, 3);
    train(m, 3, 0, 4);
    const sched = new ReduceLROnPlateau(m.opt as never, { patience: 2 });
    return { m, sched, bytes: saveCheckpoint({ params: m.params, optimizer: m.opt, scheduler: sched, extra: { note: 'é', worst: -Infinity } }) };
  };

  it('follows the safetensors rules, checked independently', () => {
    const { m, bytes } = save();
    const r = checkSafetensorsSpec(bytes, { requirePadding: true });
    expect(Object.keys(r.tensors).sort()).toEqual(
      ['param.dense.weight', 'param.dense.bias', 'param.2', 'param.odd', ...[0, 1, 2].flatMap((i) => ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'].map((b) => `state.${i}.${b}`))].sort(),
    );
    expect(r.tensors['param.dense.weight']!.shape).toEqual([5, 7]);
    expect(r.tensors['state.0.max_exp_avg_sq']!.shape).toEqual([5, 7]);
    expect(r.tensors['state.2.exp_avg']!).toMatchObject({ dtype: 'F32', shape: [3] });
    // Tensor data is the little-endian float32 bytes of the values.
    const t = r.tensors['param.dense.bias']!;
    const raw = bytes.slice(8 + r.headerLength + t.data_offsets[0], 8 + r.headerLength + t.data_offsets[1]);
    expect(firstBitDiff(new Float32Array(raw.buffer), m.params[1]!.data)).toBe(-1);
    expect(r.metadata['wasm_optim.format_version']).toBe('1');
    expect(r.metadata['wasm_optim.kernel_hash']).toBe(BINARY_HASH);
    expect(r.metadata.optimizer).toBe('adam');
    expect(JSON.parse(r.metadata.params!)).toEqual(['param.dense.weight', 'param.dense.bias', 'param.2', 'param.odd']);
    expect(JSON.parse(r.metadata['optimizer.state']!)).toEqual({ 0: { step: 4 }, 1: { step: 4 }, 2: { step: 4 } });
    expect(JSON.parse(r.metadata['optimizer.param_groups']!)[0]).toMatchObject({ lr: 0.005, amsgrad: true, params: [0, 1] });
    expect(parseJson(r.metadata.extra!, { nonFinite: true })).toEqual({ note: 'é', worst: -Infinity });
  });

  it('carries a CRC-32 of the whole file, computed with its own digits read as zeros', () => {
    const { bytes } = save();
    const at = checksumAt(bytes);
    expect(at).toBeGreaterThan(8);
    const stored = new TextDecoder().decode(bytes.subarray(at, at + 8));
    const zeroed = bytes.slice();
    zeroed.set(new TextEncoder().encode('00000000'), at);
    expect(crc32Bitwise(zeroed).toString(16).padStart(8, '0')).toBe(stored);
    expect(crc32Bitwise(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('CRC-32: any offset, any split, equal to the bit-by-bit definition', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (data, s, k) => {
        const start = data.length ? s % data.length : 0;
        const cut = start + (data.length - start ? k % (data.length - start) : 0);
        const want = crc32Bitwise(data.subarray(start));
        expect(crc32(data, 0, start)).toBe(want);
        expect(crc32(data, crc32(data, 0, start, cut), cut)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it('reports another kernel build as information only', () => {
    const { m, bytes } = save();
    const head = new TextDecoder().decode(bytes.subarray(0, 400));
    const at = head.indexOf(`"wasm_optim.kernel_hash":"${BINARY_HASH}"`) + '"wasm_optim.kernel_hash":"'.length;
    expect(at).toBeGreaterThan(30);
    const other = bytes.slice();
    other.fill('f'.charCodeAt(0), at, at + BINARY_HASH.length);
    const info = loadCheckpoint(reseal(other), { params: m.params, optimizer: m.opt });
    expect(info.kernelHashMatches).toBe(false);
    expect(info.kernelHash).toBe('f'.repeat(BINARY_HASH.length));
    expect(loadCheckpoint(bytes, { params: m.params }).kernelHashMatches).toBe(true);
  });

  it('loads a file rewritten by another tool (header and data reordered, no checksum) when asked to', () => {
    const { m, sched, bytes } = save();
    const r = checkSafetensorsSpec(bytes);
    const names = Object.keys(r.tensors).reverse();
    const header: Record<string, unknown> = {};
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const n of names) {
      const [b, e] = r.tensors[n]!.data_offsets;
      header[n] = { ...r.tensors[n], data_offsets: [at, at + e - b] };
      chunks.push(bytes.subarray(8 + r.headerLength + b, 8 + r.headerLength + e));
      at += e - b;
    }
    const { 'wasm_optim.checksum': _c, ...meta } = r.metadata;
    header.__metadata__ = meta;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + at);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    let w = 8 + json.length;
    for (const c of chunks) {
      out.set(c, w);
      w += c.length;
    }
    expect(() => loadCheckpoint(out, { params: m.params })).toThrow(/no "wasm_optim.checksum"/);
    const want = m.params.map((p) => p.data.slice());
    const before = m.opt.stateDict();
    m.params.forEach((p) => p.data.fill(0));
    loadCheckpoint(out, { params: m.params, optimizer: m.opt, scheduler: sched, verifyChecksum: false });
    m.params.forEach((p, i) => expect(firstBitDiff(p.data, want[i]!)).toBe(-1));
    expectSameState(m.opt.stateDict(), before);
  });

  it('is read by Python safetensors where it is installed', (ctx) => {
    try {
      execFileSync('python3', ['-c', 'import safetensors'], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    const { m, bytes } = save();
    const dir = mkdtempSync(join(tmpdir(), 'wasm-optim-ckpt-'));
    try {
      const path = join(dir, 'model.safetensors');
      writeFileSync(path, bytes);
      const script = [
        'import sys, json',
        'from safetensors.numpy import load_file',
        'from safetensors import safe_open',
        'd = load_file(sys.argv[1])',
        "with safe_open(sys.argv[1], 'np') as f: meta = f.metadata()",
        "print(json.dumps({'shapes': {k: list(v.shape) for k, v in d.items()}, 'bits': {k: v.view('<u4').ravel().tolist() for k, v in d.items()}, 'meta': meta}))",
      ].join('\n');
      const out = JSON.parse(execFileSync('python3', ['-c', script, path]).toString()) as {
        shapes: Record<string, number[]>;
        bits: Record<string, number[]>;
        meta: Record<string, string>;
      };
      expect(out.shapes['param.dense.weight']).toEqual([5, 7]);
      expect(out.bits['param.odd']).toEqual(ODD_BITS);
      expect(out.bits['param.dense.weight']).toEqual([...bits(m.params[0]!.data)]);
      const st = m.opt.stateDict().state[2]!;
      expect(out.bits['state.2.exp_avg_sq']).toEqual([...bits(st.exp_avg_sq as Float32Array)]);
      expect(out.meta.optimizer).toBe('adam');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('names and metadata', () => {
  it('matches parameters by name, whatever their order', () => {
    const a = model(engines[0]!, 'sgd', { lr: 0.1, momentum: 0.9 }, 5);
    train(a, 5, 0, 2);
    const bytes = saveCheckpoint({ params: a.params });
    const b = model(engines[1]!, 'sgd', null, 6);
    // Named parameters may come in any order; the unnamed one is matched by its index (2).
    const given = [b.params[3]!, b.params[1]!, b.params[2]!, b.params[0]!];
    loadCheckpoint(bytes, { params: given });
    for (let i = 0; i < 4; i++) expect(firstBitDiff(b.params[i]!.data, a.params[i]!.data), `param ${i}`).toBe(-1);
  });

  it('keeps every number of the scheduler and extra data exactly, non-finite and -0 included', () => {
    const m = model(engines[2]!, 'adam', {}, 9);
    const data = { a: [NaN, Infinity, -Infinity, -0, 0, 5e-324, 1.7976931348623157e308, 0.1], b: { 'ключ': 'значение', __proto__x: null }, c: true };
    let state: unknown = { type: 'Custom', best: Infinity, t: -0 };
    const sched = { stateDict: () => state, loadStateDict: (s: unknown) => void (state = s) };
    const bytes = saveCheckpoint({ params: m.params, scheduler: sched, extra: data });
    state = null;
    const info = loadCheckpoint(bytes, { params: m.params, scheduler: sched });
    expect(info.extra).toEqual(data);
    expect(Object.is((info.extra as typeof data).a[3], -0)).toBe(true);
    expect(state).toEqual({ type: 'Custom', best: Infinity, t: -0 });
    expect(Object.is((state as { t: number }).t, -0)).toBe(true);
  });

  it('strict JSON: duplicate keys, depth and trailing text are errors; round trip of odd values', () => {
    expect(() => parseJson('{"a":1,"a":2}')).toThrow(/duplicate key "a"/);
    expect(() => parseJson('[1,]')).toThrow();
    expect(() => parseJson('{"a":1} x')).toThrow(/after the value/);
    expect(() => parseJson('NaN')).toThrow();
    expect(() => parseJson('['.repeat(65) + ']'.repeat(65))).toThrow(/deeper/);
    expect(parseJson('{"__proto__":{"x":1}}')).toHaveProperty('__proto__', { x: 1 });
    const v = { s: 'a"\\\u0001\u2028😀', n: [-0, 1e21, -1e-7, NaN] };
    expect(parseJson(stringifyJson(v), { nonFinite: true })).toEqual(v);
  });

  it('empty and 0-d parameters: zero-length tensors and shape []', () => {
    const e = engines[1]!;
    const ps = e.parameters([[0], [2, 0], [3], []]);
    ps[2]!.data.set([1, 2, 3]);
    ps[3]!.data[0] = 7;
    const opt = new OPTIMIZERS.adam(ps);
    for (const p of ps) p.grad.fill(1);
    opt.step();
    const bytes = saveCheckpoint({ params: ps, optimizer: opt });
    const r = checkSafetensorsSpec(bytes, { requirePadding: true });
    expect(r.tensors['param.0']).toMatchObject({ shape: [0], data_offsets: [0, 0] });
    expect(r.tensors['param.3']!.shape).toEqual([]);
    const qs = e.parameters([[0], [2, 0], [3], []]);
    const o2 = new OPTIMIZERS.adam(qs);
    loadCheckpoint(bytes, { params: qs, optimizer: o2 });
    qs.forEach((q, i) => expect(firstBitDiff(q.data, ps[i]!.data)).toBe(-1));
    expectSameState(o2.stateDict(), opt.stateDict());
  });

  it('CheckpointError is an Error', () => {
    const e = new CheckpointError('x');
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('checkpoint: x');
  });
});
