// Checkpoints that do not fit the live objects, and bad arguments: each is refused with a clear
// error, and parameters, optimizer state and schedule are left exactly as they were.
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import { createEngine, type Engine } from '../src/engine.js';
import { Adam } from '../src/optim/adam.js';
import { SGD } from '../src/optim/sgd.js';
import { CosineAnnealingLR } from '../src/schedule/cosine.js';
import { StepLR } from '../src/schedule/step.js';
import { expectUnchanged, model, type Model, snapshot, train } from './helpers/checkpoint-rig.js';
import { reseal } from './helpers/safetensors-spec.js';

let engine: Engine;
let saved: Model;
let sched: CosineAnnealingLR;
let bytes: Uint8Array;
beforeAll(async () => {
  engine = await createEngine({ backend: 'simd', initialBytes: 4 << 20 });
  saved = model(engine, 'adam', { lr: 0.01, amsgrad: true }, 1);
  sched = new CosineAnnealingLR(saved.opt as never, { tMax: 5 });
  train(saved, 1, 0, 3, () => sched.step());
  bytes = saveCheckpoint({ params: saved.params, optimizer: saved.opt, scheduler: sched });
});

/** A live target with its own, different state. */
function target(name = 'adam', options: object = { lr: 0.02 }) {
  const m = model(engine, name, options, 2);
  const s = new CosineAnnealingLR(m.opt as never, { tMax: 9 });
  train(m, 2, 0, 2, () => s.step());
  return { m, s, before: snapshot(m.params, m.opt, s) };
}

function expectRefused(file: Uint8Array, t: ReturnType<typeof target>, message: RegExp, opts: object = {}) {
  const { m, s, before } = t;
  let err: unknown;
  try {
    loadCheckpoint(file, { params: m.params, optimizer: m.opt, scheduler: s, ...opts });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as Error).message).toMatch(message);
  expectUnchanged(before, m.params, m.opt, s);
}

/** The checkpoint with its header text edited (same length or not) and its checksum re-stamped. */
function edited(edit: (header: string) => string): Uint8Array {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  let json = new TextEncoder().encode(edit(header).trimEnd());
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + bytes.length - 8 - n);
  new DataView(out.buffer).setUint32(0, padded, true);
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + padded);
  json = out;
  return reseal(json);
}

/** A header edit that sets (or, with undefined, deletes) one metadata entry. */
const meta = (key: string, value: string | undefined) => (h: string) => {
  const o = JSON.parse(h) as { __metadata__: Record<string, string | undefined> };
  o.__metadata__[key] = value;
  return JSON.stringify(o);
};

describe('checkpoints that do not fit', () => {
  it('another optimizer kind', () => {
    expectRefused(bytes, target('sgd', { lr: 0.1, momentum: 0.9 }), /holds adam state, the optimizer is sgd/);
  });

  it('another shape, another parameter count, another name', () => {
    const t = target();
    const m2 = engine.parameters([{ shape: [7, 5], name: 'dense.weight' }, { shape: [7], name: 'dense.bias' }, [3], { shape: [2, 4], name: 'odd' }]);
    const before = snapshot(m2);
    expect(() => loadCheckpoint(bytes, { params: m2 })).toThrow(/"param.dense.weight" has shape \[5, 7\] in the file, params\[0\] has \[7, 5\]/);
    expectUnchanged(before, m2);
    expect(() => loadCheckpoint(bytes, { params: t.m.params.slice(0, 3) })).toThrow(/the file has 4 parameters/);
    const renamed = engine.parameters([{ shape: [5, 7], name: 'w' }, [7], [3], [2, 4]]);
    expect(() => loadCheckpoint(bytes, { params: renamed })).toThrow(/params\[0\] is saved as "param.w", which the file lacks/);
    expectUnchanged(t.before, t.m.params, t.m.opt, t.s);
  });

  it('no optimizer state, no scheduler state in the file', () => {
    const t = target();
    const bare = saveCheckpoint({ params: saved.params });
    expectRefused(bare, t, /holds no optimizer state/);
    const noSched = saveCheckpoint({ params: saved.params, optimizer: saved.opt });
    expectRefused(noSched, t, /holds no scheduler state/);
  });

  it('an optimizer that refuses the state (other param groups)', () => {
    const m = model(engine, 'adam', { lr: 0.02 }, 2);
    const one = new Adam(m.trained, { lr: 0.02 });
    train({ ...m, opt: one as never }, 2, 0, 2);
    const before = snapshot(m.params, one as never);
    expect(() => loadCheckpoint(bytes, { params: m.params, optimizer: one })).toThrow(/optimizer refused the saved state: .*expected 1 param groups, got 2/);
    expectUnchanged(before, m.params, one as never);
  });

  it("a scheduler of another kind: refused before the optimizer changes", () => {
    const t = target();
    const step = new StepLR(t.m.opt as never, { stepSize: 2 });
    const before = snapshot(t.m.params, t.m.opt, step);
    expect(() => loadCheckpoint(bytes, { params: t.m.params, optimizer: t.m.opt, scheduler: step })).toThrow(/scheduler refused/);
    expectUnchanged(before, t.m.params, t.m.opt, step);
  });

  it('a scheduler without a separate check: the optimizer is put back when it refuses', () => {
    const t = target();
    let state = { at: 1 };
    const calls: unknown[] = [];
    const picky = {
      stateDict: () => state,
      loadStateDict(s: { at?: unknown }) {
        calls.push(s);
        if (typeof s.at !== 'number') throw new TypeError('picky: at must be a number');
        state = s as { at: number };
      },
    };
    const before = snapshot(t.m.params, t.m.opt, picky);
    expect(() => loadCheckpoint(bytes, { params: t.m.params, optimizer: t.m.opt, scheduler: picky })).toThrow(/scheduler refused the saved state: picky/);
    expectUnchanged(before, t.m.params, t.m.opt, picky);
    expect(calls).toHaveLength(2);
  });

  it('header edits that stay valid safetensors but break the checkpoint', () => {
    const t = target();
    const cases: Array<[(h: string) => string, RegExp]> = [
      [(h) => h.replace('"wasm_optim.format_version":"1"', '"wasm_optim.format_version":"2"'), /format version "2" is not supported/],
      [(h) => h.replace('"wasm_optim.format_version":"1",', ''), /not a wasm-optim checkpoint/],
      [(h) => h.replace('"optimizer":"adam"', '"optimizer":"sgd"'), /holds sgd state/],
      [meta('optimizer.state', '{"0":{"step":"3"}}'), /entry "0": "step" must be a number/],
      [meta('optimizer.state', '{"0":{"step":3},"1":{"step":3},"2":{"step":3},"x":{"step":3}}'), /entry "x": keys must be parameter indices/],
      [meta('optimizer.param_groups', '{"lr":1}'), /must be a JSON array of objects/],
      [meta('params', '["param.dense.weight","param.dense.bias","param.2"]'), /tensor "param.odd" is not listed/],
      [meta('wasm_optim.kernel_hash', undefined), /has no "wasm_optim.kernel_hash"/],
      [meta('optimizer', undefined), /has "optimizer.param_groups" but no "optimizer"/],
      [(h) => h.replace('"params":"[', '"params":"[\\"param.9\\",'), /"param.9" is listed in __metadata__ but has no tensor/],
      [(h) => h.replace('"param.2"', '"param.x"'), /not listed|has no tensor/],
      [(h) => h.replace('"state.1.exp_avg"', '"state.7.exp_avg"'), /parameter 7 has no entry/],
      [(h) => h.replace('"state.1.exp_avg"', '"weights.1"'), /unexpected tensor "weights.1"/],
      [(h) => h.replace('"scheduler":"{', '"scheduler":"{{'), /"scheduler" is not valid JSON/],
      [(h) => h.replace(/"param.dense.bias":\{"dtype":"F32","shape":\[7\]/, '"param.dense.bias":{"dtype":"I32","shape":[7]'), /dtype I32; checkpoints hold F32 only/],
      [(h) => h.replace(/"state.0.exp_avg":\{"dtype":"F32","shape":\[5,7\]/, '"state.0.exp_avg":{"dtype":"F32","shape":[7,5]'), /"state.0.exp_avg" has shape \[7, 5\]/],
    ];
    for (const [edit, message] of cases) {
      const file = edited(edit);
      expect(file).not.toEqual(bytes);
      expectRefused(file, t, message);
    }
  });

  it('names every object inherits, in the saved param groups and scheduler state, are unknown', () => {
    const t = target();
    /** Adds `"<key>":1` as the first entry of the object in metadata entry `entry` (or of its first element). */
    const addKey = (entry: string, key: string) => (h: string) => {
      const o = JSON.parse(h) as { __metadata__: Record<string, string> };
      return meta(entry, o.__metadata__[entry]!.replace(/^(\[?)\{/, `$1{"${key}":1,`))(h);
    };
    for (const key of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
      expectRefused(edited(addKey('optimizer.param_groups', key)), t, new RegExp(`optimizer refused the saved state: .*unknown option "${key}"`));
      expectRefused(edited(addKey('scheduler', key)), t, new RegExp(`scheduler refused the saved state: .*unknown entry "${key}"`));
    }
  });

  it('a byte flipped anywhere is caught by the checksum', () => {
    const t = target();
    for (const at of [3, 20, 200, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[at]! ^= 0x01;
      expectRefused(bad, t, /./);
    }
    const data = bytes.slice();
    data[data.length - 5]! ^= 0x40;
    expectRefused(data, t, /checksum mismatch/);
  });
});

describe('bad arguments', () => {
  it('loadCheckpoint', () => {
    const t = target();
    const p = t.m.params;
    expect(() => loadCheckpoint('x' as never, { params: p })).toThrow(TypeError);
    expect(() => loadCheckpoint(bytes, undefined as never)).toThrow(TypeError);
    expect(() => loadCheckpoint(bytes, { params: 'x' as never })).toThrow(/params must be an array/);
    expect(() => loadCheckpoint(bytes, { params: [p[0]!, p[0]!] })).toThrow(/appears more than once/);
    expect(() => loadCheckpoint(bytes, { params: [{} as never] })).toThrow(/params\[0\] is not a Parameter/);
    expect(() => loadCheckpoint(bytes, { params: p, optimizer: {} as never })).toThrow(/optimizer must be an Optimizer/);
    expect(() => loadCheckpoint(bytes, { params: p, scheduler: {} as never })).toThrow(/stateDict\(\) and loadStateDict\(\)/);
    expect(() => loadCheckpoint(bytes, { params: p, verifyChecksum: 1 as never })).toThrow(/verifyChecksum must be a boolean/);
    expect(() => loadCheckpoint(bytes, { params: p, optimiser: 1 } as never)).toThrow(/unknown option "optimiser"/);
    expectUnchanged(t.before, t.m.params, t.m.opt, t.s);
  });

  it('saveCheckpoint', () => {
    const [a, b] = engine.parameters([{ shape: [2], name: 'w' }, { shape: [2], name: 'w' }]);
    expect(() => saveCheckpoint({ params: [a!, b!] })).toThrow(/params\[0\] and params\[1\] would both be saved as "param.w"/);
    const [c, d] = engine.parameters([{ shape: [2], name: '1' }, [3]]);
    expect(() => saveCheckpoint({ params: [c!, d!] })).toThrow(/params\[0\] and params\[1\] would both be saved as "param.1"/);
    expect(() => saveCheckpoint({ params: [a!], extra: { f: () => 1 } })).toThrow(/extra.f is a function/);
    expect(() => saveCheckpoint({ params: [a!], extra: { t: new Float32Array(2) } })).toThrow(/extra.t is a Float32Array/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => saveCheckpoint({ params: [a!], extra: cyc })).toThrow(/extra.self refers back to itself/);
    expect(() => saveCheckpoint({ params: [a!], scheduler: { stateDict: () => 1 } as never })).toThrow(TypeError);
    expect(() => saveCheckpoint(null as never)).toThrow(TypeError);
    const opt = new SGD([a!]);
    opt.dispose();
    expect(() => saveCheckpoint({ params: [a!], optimizer: opt })).toThrow(/optimizer has been disposed/);
    b!.dispose();
    expect(() => saveCheckpoint({ params: [b!] })).toThrow(/params\[0\] has been disposed/);
  });

  it('bytes that live in the engine memory are copied before a load grows it', async () => {
    const small = await createEngine({ backend: 'js', initialBytes: 64 << 10 });
    const m = model(small, 'adam', null, 4);
    const off = small.allocFloats(Math.ceil(bytes.length / 4));
    small.heap.u8.set(bytes, off);
    const s = new CosineAnnealingLR(m.opt as never, { tMax: 5 });
    // Fill the memory so the optimizer's new state blocks must grow it.
    small.allocFloats((small.memory.buffer.byteLength - 256 - small.arena.bytesInUse - 64) / 4);
    const view = new Uint8Array(small.memory.buffer, off, bytes.length);
    const grows = small.growCount;
    loadCheckpoint(view, { params: m.params, optimizer: m.opt, scheduler: s });
    expect(small.growCount).toBeGreaterThan(grows);
    expectUnchanged(snapshot(saved.params, saved.opt, sched), m.params, m.opt, s);
  });
});
