/**
 * One loader for both kernel binaries. Each binary is compiled once per process (the
 * `WebAssembly.Module` promise is cached) and instantiated once per engine, against the engine's
 * own `WebAssembly.Memory`. The binaries are inlined as base64 so Node and browsers share this
 * path with no file system access and no extra request.
 */
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64, THREADS_WASM_BASE64 } from './binaries.generated.js';

export type WasmBackend = 'simd' | 'scalar';
/** The three builds: SIMD, scalar, and SIMD on shared memory for worker threads. */
export type WasmBinary = WasmBackend | 'threads';

const BASE64: Record<WasmBinary, string> = { simd: SIMD_WASM_BASE64, scalar: SCALAR_WASM_BASE64, threads: THREADS_WASM_BASE64 };

const modules = new Map<WasmBinary, Promise<WebAssembly.Module>>();

/** Smallest module that uses a v128 instruction: validates only where WebAssembly SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when this runtime has `WebAssembly` at all. */
export function hasWebAssembly(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly !== null && typeof WebAssembly.Memory === 'function';
}

/** True when this runtime validates WebAssembly SIMD (v128) code. */
export function hasSimd(): boolean {
  return hasWebAssembly() && WebAssembly.validate(SIMD_PROBE);
}

function decodeBase64(b64: string): Uint8Array {
  if (typeof atob === 'function') {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  const B = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  if (!B) throw new Error('wasm-optim: no base64 decoder (atob or Buffer) in this runtime');
  return new Uint8Array(B.from(b64, 'base64'));
}

/** The raw bytes of a kernel binary. */
export function wasmBytes(binary: WasmBinary): Uint8Array {
  return decodeBase64(BASE64[binary]);
}

/** True when this runtime can share WebAssembly memory between threads. */
export function hasSharedMemory(): boolean {
  try {
    return hasWebAssembly() && typeof SharedArrayBuffer === 'function' && new WebAssembly.Memory({ initial: 0, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** Compiles (once per process) the binary `backend`. */
export function compileKernels(backend: WasmBinary): Promise<WebAssembly.Module> {
  if (!hasWebAssembly()) {
    return Promise.reject(new Error('wasm-optim: WebAssembly is not available in this runtime; use backend "js"'));
  }
  if (backend !== 'scalar' && !hasSimd()) {
    return Promise.reject(new Error('wasm-optim: this runtime does not support WebAssembly SIMD; use backend "scalar" or "js"'));
  }
  let mod = modules.get(backend);
  if (!mod) {
    mod = WebAssembly.compile(wasmBytes(backend) as BufferSource);
    mod.catch(() => modules.delete(backend));
    modules.set(backend, mod);
  }
  return mod;
}

/** Instantiates the kernels of `backend` on `memory`; returns the module's exports. */
export async function instantiateKernels(
  backend: WasmBinary,
  memory: WebAssembly.Memory,
): Promise<Record<string, unknown>> {
  const mod = await compileKernels(backend);
  const instance = await WebAssembly.instantiate(mod, { env: { memory } });
  return instance.exports as Record<string, unknown>;
}
