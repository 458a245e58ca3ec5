/**
 * An independent, minimal reading of the safetensors rules (huggingface/safetensors README and
 * its Rust `SafeTensors::read_metadata` / `Metadata::validate`), written without the library's
 * code so that the two can disagree. Also a bit-by-bit CRC-32 and a helper that re-stamps a
 * checkpoint's checksum after a test has edited it on purpose.
 */

const SIZES: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8 };

export interface SpecReport {
  headerLength: number;
  header: Record<string, unknown>;
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
}

/** Throws an Error naming the first rule `bytes` breaks; returns the parsed header otherwise. */
export function checkSafetensorsSpec(bytes: Uint8Array, opts: { requirePadding?: boolean } = {}): SpecReport {
  const fail = (why: string): never => {
    throw new Error(`safetensors spec: ${why}`);
  };
  if (bytes.length < 8) fail('shorter than 8 bytes');
  const n = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
  if (n > 100_000_000n) fail('header larger than 100 MB');
  const len = Number(n);
  if (8 + len > bytes.length) fail('header runs past the end');
  if (opts.requirePadding && (8 + len) % 8 !== 0) fail('data section not 8-aligned');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + len));
  if (text[0] !== '{') fail('header does not start with {');
  if (opts.requirePadding && !/^ *$/.test(text.slice(text.lastIndexOf('}') + 1))) fail('padding is not spaces');
  const header = JSON.parse(text) as Record<string, unknown>;
  // Duplicate keys: JSON.parse keeps the last, so count each key's occurrences as a JSON key.
  for (const k of Object.keys(header)) {
    const needle = `${JSON.stringify(k)}:`;
    if (text.split(needle).length - 1 !== 1) fail(`key ${k} is not present exactly once`);
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(`metadata ${k} is not a string`);
  const dataLength = bytes.length - 8 - len;
  const tensors: SpecReport['tensors'] = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const size = SIZES[t.dtype];
    if (!size) fail(`${name}: unknown dtype ${t.dtype}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${name}: bad shape`);
    const [b, e] = t.data_offsets;
    if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < b || e > dataLength) fail(`${name}: offsets out of range`);
    if (t.shape.reduce((a, d) => a * d, size!) !== e - b) fail(`${name}: shape × dtype size ≠ byte length`);
    spans.push([b, e, name]);
    tensors[name] = t;
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let at = 0;
  for (const [b, e, name] of spans) {
    if (b !== at) fail(`${name}: not contiguous with the tensor before it`);
    at = e;
  }
  if (at !== dataLength) fail('tensors do not cover the data section exactly');
  return { headerLength: len, header, metadata: metadata as Record<string, string>, tensors };
}

/** CRC-32 (zlib), one bit at a time: slow, obviously right. */
export function crc32Bitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const STAMP = new TextEncoder().encode('"wasm_optim.checksum":"');

/** Byte offset of the checksum's 8 hex digits, or -1. */
export function checksumAt(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length, 8 + 4096);
  outer: for (let i = 8; i + STAMP.length + 8 <= limit; i++) {
    for (let k = 0; k < STAMP.length; k++) if (bytes[i + k] !== STAMP[k]) continue outer;
    return i + STAMP.length;
  }
  return -1;
}

/** Re-stamps a valid checksum into `bytes` (edited on purpose), so only the edit can be rejected. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const at = checksumAt(bytes);
  if (at < 0) return bytes;
  const out = bytes.slice();
  out.set(new TextEncoder().encode('00000000'), at);
  const hex = crc32Bitwise(out).toString(16).padStart(8, '0');
  out.set(new TextEncoder().encode(hex), at);
  return out;
}
