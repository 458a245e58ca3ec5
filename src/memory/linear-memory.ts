/**
 * The storage under an engine: a `WebAssembly.Memory`, or — where WebAssembly is missing and the
 * pure-JS path runs — an `ArrayBuffer` with the same grow semantics: growing *detaches* the old
 * buffer, so a stale `Float32Array` view reads as length 0 instead of silently showing old data.
 */
export const PAGE_BYTES = 65536;
/** wasm32 limit: 65,536 pages of 64 KiB = 4 GiB. */
export const MAX_PAGES = 65536;

export interface LinearMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `deltaPages` pages; returns the previous size in pages. Throws on failure. */
  grow(deltaPages: number): number;
}

/** ArrayBuffer-backed memory for runtimes without WebAssembly. */
export class ArrayBufferMemory implements LinearMemory {
  #buffer: ArrayBuffer;
  readonly #maximum: number;

  constructor(initialPages: number, maximumPages = MAX_PAGES) {
    this.#buffer = new ArrayBuffer(initialPages * PAGE_BYTES);
    this.#maximum = maximumPages;
  }

  get buffer(): ArrayBuffer {
    return this.#buffer;
  }

  grow(deltaPages: number): number {
    const old = this.#buffer;
    const oldPages = old.byteLength / PAGE_BYTES;
    if (oldPages + deltaPages > this.#maximum) throw new RangeError('wasm-optim: memory maximum exceeded');
    const next = new ArrayBuffer((oldPages + deltaPages) * PAGE_BYTES);
    new Uint8Array(next).set(new Uint8Array(old));
    // Detach the old buffer, as WebAssembly.Memory.grow does, so stale views cannot lie.
    structuredClone(old, { transfer: [old] });
    this.#buffer = next;
    return oldPages;
  }
}
