/**
 * The safetensors container (https://github.com/huggingface/safetensors, format described in its
 * README), written and read with every rule of the format checked:
 *
 * ```
 * [u64 little-endian N][N bytes: UTF-8 JSON header, starts with '{', padded with spaces][data]
 * header = { "<tensor>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, …,
 *            "__metadata__": { "<key>": "<string>", … } }
 * ```
 * Offsets are relative to the start of the data section; sorted by offset the tensors cover it
 * exactly, back to back, with no overlap; `product(shape) × size(dtype) = end − begin`; no key
 * appears twice; N ≤ 100,000,000; metadata values are strings. Written files pad the header to
 * a multiple of 8 bytes, so every tensor of 4-byte elements starts 4-byte aligned in the file.
 *
 * Works on `Uint8Array` only (no Node built-ins), so it runs in browsers as in Node.
 */
import { firstUnknownKey, unknownKey } from '../validation/index.js';
import { CheckpointError } from './error.js';
import { JsonSyntaxError, parseJson } from './json.js';

/** Header size limit of the safetensors reference implementation. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of each safetensors dtype with whole-byte elements. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** A tensor to write: float32 values and their shape (the product of `shape` is `data.length`). */
export interface F32Tensor {
  /** Tensor name in the file. */
  name: string;
  /** Dimensions. */
  shape: readonly number[];
  /** Values, little-endian float32 in the file. */
  data: Float32Array;
}

/** A tensor as found in a file; `begin`/`end` are byte offsets into the data section. */
export interface TensorInfo {
  /** safetensors dtype (`F32`, `F16`, `I64`, …). */
  dtype: string;
  /** Dimensions. */
  shape: number[];
  /** Start of the tensor's bytes in the data section. */
  begin: number;
  /** End (exclusive) of the tensor's bytes in the data section. */
  end: number;
}

/** A parsed safetensors file, as {@link readSafetensors} returns it: the header's tensors and metadata (tensor data stays in the bytes). */
export interface SafetensorsFile {
  /** Header length N (the header occupies bytes [8, 8 + N)). */
  headerLength: number;
  /** Byte offset of the data section in the file: 8 + N. */
  dataStart: number;
  /** Tensors in header order. */
  tensors: Map<string, TensorInfo>;
  /** `__metadata__`, or an empty object when the header has none. */
  metadata: Record<string, string>;
  /** Byte range in the file of each metadata value (the JSON string, quotes included). */
  metadataSpans: Map<string, [number, number]>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Copies float32 values into `out` at `at` as little-endian bytes. */
function putF32(out: Uint8Array, at: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const dv = new DataView(out.buffer, out.byteOffset + at, data.byteLength);
  for (let k = 0; k < data.length; k++) dv.setFloat32(k * 4, data[k]!, true);
}

/** A copy of `count` little-endian float32 values starting at byte `at` of `bytes`. */
export function readF32(bytes: Uint8Array, at: number, count: number): Float32Array {
  if (LITTLE_ENDIAN) return new Float32Array(bytes.slice(at, at + count * 4).buffer);
  const out = new Float32Array(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, count * 4);
  for (let k = 0; k < count; k++) out[k] = dv.getFloat32(k * 4, true);
  return out;
}

/** Copies `target.length` little-endian float32 values starting at byte `at` of `bytes` into `target`. */
export function copyF32Into(target: Float32Array, bytes: Uint8Array, at: number): void {
  if (LITTLE_ENDIAN && (bytes.byteOffset + at) % 4 === 0) target.set(new Float32Array(bytes.buffer, bytes.byteOffset + at, target.length));
  else target.set(readF32(bytes, at, target.length));
}

/**
 * Writes float32 tensors and string metadata as a safetensors file, tensors in the order given.
 * Throws a TypeError or RangeError (naming the tensor) for a duplicate name, the reserved name
 * `__metadata__`, or a shape whose element count is not the data's length.
 */
export function writeSafetensors(tensors: readonly F32Tensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TypeError(`writeSafetensors: metadata "${k}" must be a string`);
    Object.defineProperty(meta, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  header.__metadata__ = meta;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__') throw new RangeError('writeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    if (Object.prototype.hasOwnProperty.call(header, t.name)) throw new RangeError(`writeSafetensors: duplicate tensor name "${t.name}"`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== t.data.length) {
      throw new RangeError(`writeSafetensors: tensor "${t.name}" has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
    const info = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    Object.defineProperty(header, t.name, { value: info, enumerable: true, writable: true, configurable: true });
    offset += t.data.byteLength;
  }
  const json = utf8.encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  if (n > MAX_HEADER_BYTES) throw new RangeError(`writeSafetensors: header of ${n} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const out = new Uint8Array(8 + n + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, n, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const t of tensors) {
    putF32(out, at, t.data);
    at += t.data.byteLength;
  }
  return out;
}

const TENSOR_FIELDS = ['dtype', 'shape', 'data_offsets'];

const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function tensorInfo(name: string, raw: unknown, dataLength: number): TensorInfo {
  const where = `tensor "${name}"`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckpointError(`${where}: expected { dtype, shape, data_offsets }`);
  const o = raw as Record<string, unknown>;
  const bad = firstUnknownKey(o, TENSOR_FIELDS);
  if (bad !== undefined) throw new CheckpointError(unknownKey(bad, TENSOR_FIELDS, where, 'field').message);
  const { dtype, shape, data_offsets: offsets } = o;
  if (typeof dtype !== 'string') throw new CheckpointError(`${where}: dtype must be a string`);
  const size = Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype) ? DTYPE_BYTES[dtype]! : 0;
  if (size === 0) throw new CheckpointError(`${where}: unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isIndex)) throw new CheckpointError(`${where}: shape must be an array of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new CheckpointError(`${where}: data_offsets must be [begin, end], non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new CheckpointError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) throw new CheckpointError(`${where}: data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes)`);
  // A product past 2^53 rounds but stays >= 2^53, above any length this file can have.
  const bytes = (shape as number[]).reduce((a, d) => a * d, size);
  if (bytes !== end - begin) {
    throw new CheckpointError(`${where}: shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${bytes} bytes, data_offsets give ${end - begin}`);
  }
  return { dtype, shape: shape as number[], begin, end };
}

/**
 * Reads and validates a safetensors file: header length against the file size, the 100 MB header
 * limit, UTF-8, JSON with no duplicate keys, known dtypes, shapes matching byte lengths, offsets
 * in range and covering the data section contiguously with no overlap, string metadata.
 * Throws a {@link CheckpointError} saying what is wrong; reads nothing outside `bytes`.
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new CheckpointError(`file of ${bytes.length} bytes is too short for a safetensors header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER_BYTES) {
    const n = hi * 2 ** 32 + lo;
    throw new CheckpointError(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const n = lo;
  if (8 + n > bytes.length) throw new CheckpointError(`header length ${n} runs past the end of the file (${bytes.length} bytes): truncated?`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new CheckpointError('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new CheckpointError("header does not start with '{'");
  const spans = new WeakMap<object, Map<string, [number, number]>>();
  let header: unknown;
  try {
    header = parseJson(text, { maxDepth: 4, spans });
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CheckpointError(`header is not valid JSON: ${e.message}`, { cause: e });
    throw e;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CheckpointError('header must be a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  const metadataSpans = new Map<string, [number, number]>();
  for (const [name, raw] of Object.entries(header)) {
    if (name !== '__metadata__') {
      tensors.set(name, tensorInfo(name, raw, dataLength));
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckpointError('__metadata__ must be an object of strings');
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== 'string') throw new CheckpointError(`__metadata__ value "${k}" must be a string`);
    }
    metadata = raw as Record<string, string>;
    // Character offsets in the decoded text to byte offsets in the file, in one pass.
    let char = 0;
    let byte = 8;
    for (const [k, [s, e]] of spans.get(raw)!) {
      byte += utf8.encode(text.slice(char, s)).length;
      const b = byte;
      byte += utf8.encode(text.slice(s, e)).length;
      char = e;
      metadataSpans.set(k, [b, byte]);
    }
  }
  const sorted = [...tensors].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const [name, t] of sorted) {
    if (t.begin !== at) {
      const how = t.begin < at ? 'overlaps the tensor before it' : `leaves bytes [${at}, ${t.begin}) unused`;
      throw new CheckpointError(`tensor "${name}": data_offsets [${t.begin}, ${t.end}] ${how}`);
    }
    at = t.end;
  }
  if (at !== dataLength) {
    throw new CheckpointError(`tensors cover ${at} bytes but the data section has ${dataLength}: truncated or trailing bytes`);
  }
  return { headerLength: n, dataStart, tensors, metadata, metadataSpans };
}
