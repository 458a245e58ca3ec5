// Fuzzed corrupt checkpoints (fast-check, 1,250 files): truncated, bytes flipped, header JSON
// broken, offsets overlapping or out of range, wrong dtypes, wrong shapes, huge header lengths,
// metadata garbled. Every one must be refused with a CheckpointError, quickly, and leave the
// live parameters, optimizer state and schedule exactly as they were. Edits to the header are
// re-sealed with a valid checksum, so they must be caught by the structural checks themselves.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import { createEngine } from '../src/engine.js';
import { CosineAnnealingLR } from '../src/schedule/cosine.js';
import { expectUnchanged, model, type Model, type Snapshot, snapshot, train } from './helpers/checkpoint-rig.js';
import { reseal } from './helpers/safetensors-spec.js';

let bytes: Uint8Array;
let headerText: string;
let header: Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }> & { __metadata__: Record<string, string> };
let data: Uint8Array;
let live: { m: Model; s: CosineAnnealingLR; before: Snapshot };
let tried = 0;

beforeAll(async () => {
  const engine = await createEngine({ backend: 'simd', initialBytes: 1 << 20 });
  const a = model(engine, 'adam', { lr: 0.01, amsgrad: true }, 11);
  const sa = new CosineAnnealingLR(a.opt as never, { tMax: 6 });
  train(a, 11, 0, 3, () => sa.step());
  bytes = saveCheckpoint({ params: a.params, optimizer: a.opt, scheduler: sa, extra: { epoch: 3 } });
  const n = new DataView(bytes.buffer).getUint32(0, true);
  headerText = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  header = JSON.parse(headerText);
  data = bytes.subarray(8 + n);
  const m = model(engine, 'adam', { lr: 0.03 }, 12);
  const s = new CosineAnnealingLR(m.opt as never, { tMax: 4 });
  train(m, 12, 0, 2, () => s.step());
  live = { m, s, before: snapshot(m.params, m.opt, s) };
});

afterAll(() => {
  expect(tried).toBeGreaterThanOrEqual(1000);
});

/** Loads `file` into the live objects: it must be refused, and they must be untouched. */
function refused(file: Uint8Array, sealed: boolean): void {
  tried++;
  const { m, s, before } = live;
  const t0 = performance.now();
  let err: unknown;
  try {
    loadCheckpoint(file, { params: m.params, optimizer: m.opt, scheduler: s });
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(err).toBeInstanceOf(CheckpointError);
  // A re-sealed file has a valid checksum: the refusal must come from the structural checks.
  if (sealed) expect((err as Error).message).not.toMatch(/checksum mismatch/);
  expectUnchanged(before, m.params, m.opt, s);
}

const enc = new TextEncoder();

/** A file from header bytes (padded to 8) and the original data, checksum re-stamped. */
function rebuild(json: Uint8Array | string, dataPart: Uint8Array = data): Uint8Array {
  const h = typeof json === 'string' ? enc.encode(json) : json;
  const n = Math.ceil(h.length / 8) * 8;
  const out = new Uint8Array(8 + n + dataPart.length);
  new DataView(out.buffer).setUint32(0, n, true);
  out.fill(0x20, 8, 8 + n);
  out.set(h, 8);
  out.set(dataPart, 8 + n);
  return reseal(out);
}

const tensorNames = () => Object.keys(header).filter((k) => k !== '__metadata__');
const pick = <T>(list: readonly T[]) => fc.nat({ max: list.length - 1 }).map((i) => list[i]!);
const withTensor = (name: string, patch: Record<string, unknown>) => JSON.stringify({ ...header, [name]: { ...header[name], ...patch } });

describe('fuzzed corrupt checkpoints are refused, live state untouched', () => {
  it('truncated (150)', () => {
    fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), (k) => refused(bytes.slice(0, k), false)), { numRuns: 150 });
  });

  it('bytes flipped anywhere (300)', () => {
    const flips = fc.uniqueArray(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6, selector: ([at]) => at });
    fc.assert(
      fc.property(flips, (fs) => {
        const bad = bytes.slice();
        for (const [at, mask] of fs) bad[at]! ^= mask;
        refused(bad, false);
      }),
      { numRuns: 300 },
    );
  });

  it('header JSON broken (150)', () => {
    const last = headerText.lastIndexOf('}');
    const broken = fc.oneof(
      fc.nat({ max: last - 1 }).map((k) => headerText.slice(0, k)),
      fc.constant(`${headerText.slice(0, last)},}`),
      fc.constant(`${headerText.slice(0, last)}]`),
      fc.constantFrom('x', '{}', ',', '"', '\u0000').map((tail) => headerText + tail),
      fc.nat({ max: headerText.length }).map((k) => `${headerText.slice(0, k)}\u0001${headerText.slice(k)}`),
      pick(tensorNames()).map((n) => `${headerText.slice(0, last)},${JSON.stringify(n)}:${JSON.stringify(header[n])}}`),
      fc.constantFrom('NaN', 'Infinity', '-0x4', '4.', '.5', '1e', '+4').map((x) => `${headerText.slice(0, last)},"x":{"dtype":"F32","shape":[1],"data_offsets":[${x},4]}}`),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(fc.property(broken, (text) => refused(rebuild(text), true)), { numRuns: 130 });
    // Bytes that are not UTF-8, anywhere in the header.
    fc.assert(
      fc.property(fc.nat({ max: headerText.length }), fc.constantFrom(0xff, 0xc0, 0x80, 0xfe), (k, b) => {
        const h = enc.encode(headerText);
        const out = new Uint8Array(h.length + 1);
        out.set(h.subarray(0, k));
        out[k] = b;
        out.set(h.subarray(k), k + 1);
        refused(rebuild(out), true);
      }),
      { numRuns: 20 },
    );
  });

  it('offsets overlapping, out of range or malformed (200)', () => {
    const names = tensorNames();
    const bad = fc.tuple(pick(names), pick(names), fc.integer({ min: 1, max: 64 })).chain(([n, other, d]) => {
      const [b, e] = header[n]!.data_offsets as [number, number];
      const [ob, oe] = header[other]!.data_offsets as [number, number];
      return fc.constantFrom<unknown>(
        [b + d, e + d],
        [b - d, e - d],
        [b, e + d],
        [b + d, e],
        [e, b],
        [ob, oe === e && ob === b ? oe + 4 : oe],
        [data.length, data.length + (e - b)],
        [b, data.length + d],
        [-4, e - b - 4],
        [b + 0.5, e + 0.5],
        [b, e, e],
        [b],
        [String(b), e],
        [2 ** 60, 2 ** 60 + e - b],
        null,
      ).map((offsets) => withTensor(n, { data_offsets: offsets }));
    });
    fc.assert(fc.property(bad, (text) => refused(rebuild(text), true)), { numRuns: 200 });
  });

  it('wrong dtypes (100)', () => {
    const dtypes = fc.constantFrom<unknown>('F16', 'BF16', 'F64', 'I32', 'U32', 'U8', 'BOOL', 'I64', 'f32', 'F32 ', 'FLOAT', '', 3, null, ['F32']);
    fc.assert(fc.property(pick(tensorNames()), dtypes, (n, dtype) => refused(rebuild(withTensor(n, { dtype })), true)), { numRuns: 100 });
  });

  it('wrong shapes (150)', () => {
    const shapes = fc.tuple(pick(tensorNames()), fc.integer({ min: 2, max: 9 }), fc.nat({ max: 9 })).map(([n, k, v]) => {
      const s = header[n]!.shape as number[];
      const options: unknown[] = [
        [...s.slice(0, -1), s.at(-1)! * k],
        [...s, k],
        [...s, 1],
        [1, ...s],
        s.slice(1),
        [...s].reverse(),
        [s.reduce((a, x) => a * x, 1)],
        [...s.slice(0, -1), -s.at(-1)!],
        [...s.slice(0, -1), s.at(-1)! + 0.5],
        s.map(String),
        s.length > 0 ? s[0] : 3,
        null,
      ];
      return [n, options[v % options.length]] as const;
    });
    fc.assert(
      fc.property(shapes, ([n, shape]) => {
        fc.pre(JSON.stringify(shape) !== JSON.stringify(header[n]!.shape));
        refused(rebuild(withTensor(n, { shape })), true);
      }),
      { numRuns: 150 },
    );
  });

  it('huge or inconsistent header lengths (100)', () => {
    const lengths = fc.oneof(fc.bigInt({ min: BigInt(bytes.length - 7), max: 2n ** 64n - 1n }), fc.bigInt({ min: 100_000_001n, max: 2n ** 40n }));
    fc.assert(
      fc.property(lengths, (n) => {
        const bad = bytes.slice();
        new DataView(bad.buffer).setBigUint64(0, n, true);
        refused(bad, false);
      }),
      { numRuns: 100 },
    );
  });

  it('metadata garbled (100)', () => {
    const keys = ['wasm_optim.format_version', 'params', 'optimizer', 'optimizer.param_groups', 'optimizer.state', 'scheduler', 'extra'];
    const isJson = (s: string) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    const garbled = fc.tuple(pick(keys), fc.option(fc.string({ maxLength: 30 }), { nil: undefined, freq: 8 }));
    fc.assert(
      fc.property(garbled, ([key, value]) => {
        fc.pre(value !== header.__metadata__[key]);
        // extra is free-form JSON: only text that is not JSON is wrong there.
        fc.pre(key !== 'extra' || (value !== undefined && !isJson(value)));
        const meta = { ...header.__metadata__, [key]: value };
        refused(rebuild(JSON.stringify({ ...header, __metadata__: meta })), true);
      }),
      { numRuns: 100 },
    );
  });

  it('the file they were made from loads', async () => {
    const engine = await createEngine({ backend: 'js' });
    const m = model(engine, 'adam', null, 13);
    const s = new CosineAnnealingLR(m.opt as never, { tMax: 6 });
    expect(loadCheckpoint(bytes, { params: m.params, optimizer: m.opt, scheduler: s }).extra).toEqual({ epoch: 3 });
    expect(loadCheckpoint(rebuild(headerText), { params: m.params, optimizer: m.opt, scheduler: s }).optimizer).toBe('adam');
  });
});
